import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { builtEntry } from '../build/built-entry';

const root = join(__dirname, '..', '..');

/**
 * `npm run warden -- <args>` as one process: node on the CLI's bundle (rebuilt first when a source is
 * newer), without npm or tsx in front of it; each of those is a Node start of its own, seconds per
 * command on a busy machine. Rejects as `execFile` does on a non-zero exit, with `code`, `stdout`
 * and `stderr`.
 */
export async function runWarden(args: string[], { env = {}, timeout = 60_000 }: { env?: NodeJS.ProcessEnv; timeout?: number } = {}) {
  return promisify(execFile)(process.execPath, ['--enable-source-maps', builtEntry('cli'), ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    timeout,
    maxBuffer: 16 * 1024 * 1024,
  });
}
