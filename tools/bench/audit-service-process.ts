import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { appArgs, benchNode } from './server-process';
// @ts-expect-error: the launcher is plain ESM JavaScript without type declarations
import { freePort } from '../infra/launcher.mjs';

const root = path.join(__dirname, '..', '..');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface AuditServiceProcess {
  port: number;
  child: ChildProcess;
  stop: () => Promise<void>;
}

/**
 * The audit service as production runs it (its bundle from dist/, its own process, on the Node that
 * BENCH_NODE names) on a free port with `env`, once it answers `/readyz`. `profileDir`: write a V8
 * CPU profile there.
 */
export async function startAuditServiceProcess(env: Record<string, string>, { profileDir }: { profileDir?: string } = {}): Promise<AuditServiceProcess> {
  const port: number = await freePort();
  const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const child = spawn(await benchNode(), [...profile, ...(await appArgs('audit-service'))], {
    cwd: root,
    env: { ...process.env, PORT: String(port), ADMIN_PORT: '0', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  let up = false;
  for (let attempt = 0; attempt < 600 && !up; attempt++) {
    if (child.exitCode !== null) throw new Error(`audit-service exited with ${child.exitCode}`);
    up = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status === 200, () => false);
    if (!up) await sleep(100);
  }
  if (!up) throw new Error('audit-service did not become ready within 60 s');
  return {
    port,
    child,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}
