import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const built = new Set<string>();

/**
 * The bundle of an app (or of the CLI, `cli`) that tests start as processes, as `npm start` and
 * `npm run warden` run them: rebuilt first, once per test process, when a source is newer, so a test
 * never runs code older than the tree. tools/build/build-apps.mjs decides and builds.
 */
export function builtEntry(target: string): string {
  if (!built.has(target)) {
    execFileSync(process.execPath, [join(root, 'tools', 'build', 'build-apps.mjs'), target, '--if-stale', '--quiet'], { cwd: root, stdio: 'pipe' });
    built.add(target);
  }
  return target === 'cli' ? join(root, 'dist', 'cli', 'main.js') : join(root, 'dist', 'apps', target, 'main.js');
}
