#!/usr/bin/env node
// Builds the console into apps/console/dist (`npm run console:build`). With --if-stale it builds only
// when dist is missing or older than any source, so `npm start` and the browser tests can call it
// every time. Dependency-free but for Vite itself, which is loaded only when a build is needed.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
export const CONSOLE_DIST_DIR = path.join(here, 'dist');
const builtMarker = path.join(CONSOLE_DIST_DIR, 'index.html');

function newestMtime(entry) {
  if (!existsSync(entry)) return 0;
  const stat = statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(entry).reduce((newest, name) => Math.max(newest, newestMtime(path.join(entry, name))), stat.mtimeMs);
}

/** True when dist is missing or any input (sources, page, config, contract types, lock file) is newer. */
export function consoleIsStale() {
  if (!existsSync(builtMarker)) return true;
  const inputs = [
    path.join(here, 'src'),
    path.join(here, 'public'),
    path.join(here, 'index.html'),
    path.join(here, 'vite.config.mjs'),
    path.join(root, 'libs', 'contracts', 'api', 'src', 'generated', 'openapi.ts'),
    path.join(root, 'package-lock.json'),
  ];
  const built = statSync(builtMarker).mtimeMs;
  return inputs.some((input) => newestMtime(input) > built);
}

export async function buildConsole({ ifStale = false, log = (line) => process.stderr.write(`${line}\n`) } = {}) {
  if (ifStale && !consoleIsStale()) return false;
  log('Building the web console (apps/console/dist)…');
  const { build } = await import('vite');
  await build({ configFile: path.join(here, 'vite.config.mjs'), logLevel: 'warn' });
  return true;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  buildConsole({ ifStale: process.argv.includes('--if-stale') }).catch((error) => {
    process.stderr.write(`console build failed: ${error?.stack ?? error}\n`);
    process.exit(1);
  });
}
