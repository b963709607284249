#!/usr/bin/env node
// The production build of the four server apps: apps/<app>/src/main.ts bundled with esbuild into
// dist/apps/<app>/main.js (CommonJS, Node 20 and later, with its source map), as `nx run <app>:build`,
// `npm start` and the Docker image run it; and the operator CLI, tools/cli/warden.ts into dist/cli/main.js,
// which `npm run warden` runs (built there when stale). Only the @warden/* libraries (tsconfig.base.json paths) go
// into the bundle; every npm package stays external and is loaded from node_modules, because some read
// their own files at run time (bullmq its Lua scripts, swagger-ui-dist its assets).
//
//   node tools/build/build-apps.mjs [app ... | cli] [--if-stale] [--quiet]
//
// With --if-stale an app is built only when its bundle is missing or older than any input (the app's
// sources, libs/, tsconfig.base.json, package-lock.json, this script). Dependency-free but for esbuild
// itself, which is loaded only when something is built.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = fileURLToPath(import.meta.url);
const root = path.resolve(path.dirname(here), '..', '..');

export const APPS = ['gateway', 'token-service', 'credential-service', 'audit-service'];
/** The operator CLI (`npm run warden`), bundled the same way into dist/cli: it starts in a fraction of tsx's time. */
export const CLI = 'cli';
const TARGETS = [...APPS, CLI];

/** Where a target's sources are, and its entry point. */
function sourcesOf(target) {
  return target === CLI ? { dir: path.join(root, 'tools', 'cli'), entry: path.join(root, 'tools', 'cli', 'warden.ts') } : { dir: path.join(root, 'apps', target, 'src'), entry: path.join(root, 'apps', target, 'src', 'main.ts') };
}

/**
 * Files a module reads at run time from beside its source. A bundle that contains the module gets the
 * file copied beside main.js, where that module looks when it runs bundled (WARDEN_BUNDLED below).
 * The console (apps/console/dist) is not copied: the gateway finds it from the repository root, so the
 * two builds stay apart and a console that fails to build does not stop the gateway.
 */
const RUNTIME_FILES = [
  { module: 'libs/contracts/api/src/index.ts', file: 'libs/contracts/api/openapi.yaml' },
  { module: 'libs/audit/client/src/export-verifier.ts', file: 'libs/audit/client/src/verify-worker.mjs' },
];

/** dist/apps/<app> of this checkout (dist/cli for the CLI). */
export function distDir(app) {
  if (!TARGETS.includes(app)) throw new Error(`no such app: ${app} (one of ${TARGETS.join(', ')})`);
  return app === CLI ? path.join(root, 'dist', 'cli') : path.join(root, 'dist', 'apps', app);
}

/** The built entry point: `node --enable-source-maps <distEntry(app)>` runs the app. */
export function distEntry(app) {
  return path.join(distDir(app), 'main.js');
}

function newestMtime(entry) {
  if (!existsSync(entry)) return 0;
  const stat = statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(entry).reduce((newest, name) => Math.max(newest, newestMtime(path.join(entry, name))), stat.mtimeMs);
}

/** True when the app's bundle is missing or any of its inputs is newer. */
export function appIsStale(app) {
  const entry = distEntry(app);
  if (!existsSync(entry)) return true;
  const inputs = [sourcesOf(app).dir, path.join(root, 'libs'), path.join(root, 'tsconfig.base.json'), path.join(root, 'package-lock.json'), here];
  const built = statSync(entry).mtimeMs;
  return inputs.some((input) => newestMtime(input) > built);
}

/** Writes `contents` to `file` through a temporary name, so a running process never reads half a file. */
function writeAtomically(file, contents) {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, contents);
  renameSync(temporary, file);
}

async function buildApp(esbuild, app) {
  const outDir = distDir(app);
  // A source saved while esbuild reads the others must leave the bundle stale: main.js is dated when
  // the build started, not when it was written.
  const startedAt = new Date();
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: [sourcesOf(app).entry],
    outfile: path.join(outDir, 'main.js'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    packages: 'external',
    tsconfig: path.join(root, 'tsconfig.base.json'),
    sourcemap: 'linked',
    sourcesContent: false,
    // No keepNames: it would add a defineProperty call to every closure made per request. Nothing reads
    // a function's name, and a class is renamed only if two bundled classes share a name.
    define: { WARDEN_BUNDLED: 'true' },
    metafile: true,
    write: false,
    logLevel: 'warning',
  });
  mkdirSync(outDir, { recursive: true });
  const bundled = new Set(Object.keys(result.metafile.inputs));
  for (const { module, file } of RUNTIME_FILES) {
    if (bundled.has(module)) writeAtomically(path.join(outDir, path.basename(file)), readFileSync(path.join(root, file)));
  }
  // main.js last: its modification time is what --if-stale compares, so it exists only complete.
  const outputs = [...result.outputFiles].sort((a, b) => Number(a.path.endsWith('.js')) - Number(b.path.endsWith('.js')));
  for (const output of outputs) writeAtomically(output.path, output.contents);
  utimesSync(distEntry(app), startedAt, startedAt);
}

/**
 * Builds `apps` (all four by default) into dist/apps/<app>; with `ifStale`, only those whose bundle is
 * missing or out of date. Resolves with the apps it built; rejects when esbuild reports an error.
 */
export async function buildApps({ apps = APPS, ifStale = false, log = (line) => process.stderr.write(`${line}\n`) } = {}) {
  for (const app of apps) distDir(app); // unknown names fail before anything is built
  const toBuild = ifStale ? apps.filter(appIsStale) : apps;
  if (toBuild.length === 0) return [];
  log(`Building ${toBuild.join(', ')} (dist)…`);
  const esbuild = await import('esbuild');
  await Promise.all(toBuild.map((app) => buildApp(esbuild, app)));
  return toBuild;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const apps = args.filter((arg) => !arg.startsWith('--'));
  // --quiet: nothing on stderr but an error, for `npm run warden`, whose output is the command's own.
  const log = args.includes('--quiet') ? () => undefined : undefined;
  buildApps({ apps: apps.length > 0 ? apps : APPS, ifStale: args.includes('--if-stale'), log }).catch((error) => {
    process.stderr.write(`build failed: ${error?.message ?? error}\n`);
    process.exit(1);
  });
}
