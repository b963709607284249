// The Jest part of `npm test`: the suite on the pinned Node 24 (the production runtime: the image and
// compose run it), then on the Node running this script (the machine's). Two runs, one after the
// other; each starts its own Redis and FerretDB in its global setup and ends with the secret-hygiene
// suite. Both must pass. Extra arguments go to both Jest runs.
//
// Two full runs do not fit in `npm test`'s ten minutes on a 2-core machine (the suite is CPU-bound:
// every integration suite composes real services on real Redis and FerretDB), so the integration
// suites run once, on Node 24, the runtime the image and compose run, and the machine's Node runs the
// unit specs (MACHINE_NODE_SKIPS) unless arguments pick the tests. Where no Node 24 package exists for the platform, or the
// registry cannot be reached, the Node 24 run is skipped with the reason and the machine's Node runs
// the whole suite instead.
import { execFileSync, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureNode24 } from './node-runtime.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const jest = path.join(repoRoot, 'node_modules', 'jest', 'bin', 'jest.js');

/** Suites only Node 24 runs (regular expressions over the path, as Jest's testPathIgnorePatterns): every integration suite. */
export const MACHINE_NODE_SKIPS = ['\\.int-spec\\.ts$'];

const say = (line) => process.stdout.write(`${line}\n`);

/** One Jest run on `node`; resolves to its exit code. */
async function jestOn(node, label, args, env = process.env) {
  const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
  say(`\n===== Jest on Node ${version} (${label}: ${node}) =====`);
  const started = Date.now();
  const code = await new Promise((resolve) => {
    const child = spawn(node, [jest, '--ci', ...args], { cwd: repoRoot, stdio: 'inherit', env });
    child.once('error', (err) => (say(err.message), resolve(1)));
    child.once('exit', (status, signal) => resolve(status ?? (signal ? 1 : 0)));
  });
  say(`===== Node ${version}: ${code === 0 ? 'passed' : `FAILED (exit ${code})`} in ${Math.round((Date.now() - started) / 1000)} s =====`);
  return code;
}

const extra = process.argv.slice(2);
// The bundles the process tests start (the four apps and the CLI), built once here when stale rather
// than by every Jest worker that needs one.
execFileSync(process.execPath, [path.join(repoRoot, 'tools', 'build', 'build-apps.mjs'), 'gateway', 'token-service', 'credential-service', 'audit-service', 'cli', '--if-stale'], { cwd: repoRoot, stdio: 'inherit' });
const node24 = await ensureNode24({ log: (line) => say(`[node 24] ${line}`) });
const results = [];
if (node24) {
  // Processes the tests spawn by name (`node`, a `#!/usr/bin/env node` script) run on Node 24 too;
  // those spawned with process.execPath do anyway.
  const env = { ...process.env, PATH: `${path.dirname(node24)}${path.delimiter}${process.env.PATH ?? ''}` };
  results.push(await jestOn(node24, 'pinned, production runtime', extra, env));
} else {
  say('\n===== Skipping the Node 24 run: no Node 24 here (see above); the machine\'s Node runs the whole suite =====');
}
const skips = node24 && extra.length === 0 ? ['--testPathIgnorePatterns', '/node_modules/', ...MACHINE_NODE_SKIPS] : [];
if (skips.length) say(`\nOn the machine's Node, the unit specs (the integration suites ran on Node 24 above): leaving out ${MACHINE_NODE_SKIPS.join(' ')}`);
results.push(await jestOn(process.execPath, "machine's", [...skips, ...extra]));
process.exitCode = results.every((code) => code === 0) ? 0 : 1;
