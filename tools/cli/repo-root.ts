import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The checkout the CLI runs from: the nearest folder above this module with Warden's package.json.
 * Found, not counted in `..` steps, because the same code runs from tools/cli and from its bundle in dist/cli.
 */
function findRepoRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'tools', 'cli'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no Warden checkout above ${from}`);
  }
}

export const REPO_ROOT = findRepoRoot(__dirname);
