// Installs npm dependencies when node_modules is missing or older than the lock file, so that
// `npm start` and `npm test` work on a fresh clone. Dependency-free: it runs before the install.
import { existsSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export function dependenciesAreCurrent() {
  const marker = path.join(root, 'node_modules', '.package-lock.json');
  const lock = path.join(root, 'package-lock.json');
  return existsSync(marker) && (!existsSync(lock) || statSync(marker).mtimeMs >= statSync(lock).mtimeMs);
}

export function ensureDependencies(log = (line) => process.stderr.write(`${line}\n`)) {
  if (dependenciesAreCurrent()) return;
  log('Installing npm dependencies (npm ci)…');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('npm ci failed; see the output above');
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) ensureDependencies();
