#!/usr/bin/env node
// Generates the TypeScript types of the public API from libs/contracts/api/openapi.yaml.
// `--check` regenerates in memory and fails when the committed file differs (stale types).
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join, relative } from 'node:path';
import openapiTS, { astToString } from 'openapi-typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const source = join(root, 'libs/contracts/api/openapi.yaml');
const targetFlag = process.argv.indexOf('--target');
// `--target FILE` checks or writes another file (the stale-check test uses a copy).
const target = targetFlag > 0 ? process.argv[targetFlag + 1] : join(root, 'libs/contracts/api/src/generated/openapi.ts');
const header = '// Generated from libs/contracts/api/openapi.yaml by `npm run contracts:generate`. Do not edit.\n\n';

export async function generate(sourcePath = source) {
  const ast = await openapiTS(pathToFileURL(sourcePath), { alphabetize: true, defaultNonNullable: false });
  return header + astToString(ast);
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const generated = await generate();
  if (process.argv.includes('--check')) {
    const current = existsSync(target) ? readFileSync(target, 'utf8') : '';
    if (current !== generated) {
      console.error(`${relative(root, target)} is stale: run \`npm run contracts:generate\` and commit the result.`);
      process.exit(1);
    }
    console.log('contract types are up to date');
  } else {
    writeFileSync(target, generated);
    console.log(`wrote ${relative(root, target)}`);
  }
}
