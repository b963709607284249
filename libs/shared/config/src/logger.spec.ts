import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Starts a process that logs one line to standard output and then idles forever (so no exit flush
 * can deliver it); resolves with the line, or rejects when it has not come within `withinMs`.
 */
function firstLineOfIdleProcess(withinMs: number): Promise<{ line: Record<string, unknown>; stillRunning: boolean }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'warden-logger-'));
  const script = path.join(dir, 'log-once.ts');
  writeFileSync(
    script,
    `import { createLogger } from ${JSON.stringify(path.join(__dirname, 'logger'))};
createLogger({ name: 'quiet' }).info({ token: 'tk_secret' }, 'only line');
setInterval(() => undefined, 60_000);
`,
  );
  const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let text = '';
    const deadline = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no line within ${withinMs} ms`));
    }, withinMs);
    child.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      if (!text.includes('\n')) return;
      clearTimeout(deadline);
      const stillRunning = child.exitCode === null;
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      resolve({ line: JSON.parse(text.split('\n')[0]), stillRunning });
    });
    child.on('exit', () => {
      clearTimeout(deadline);
      rmSync(dir, { recursive: true, force: true });
      reject(new Error(`exited before logging: ${text}`));
    });
  });
}

describe('createLogger to standard output', () => {
  it('writes out a quiet process’s buffered line within seconds, not at exit, redacted', async () => {
    // The timer writes within LOG_FLUSH_MS (1 s); ten times that leaves room for a loaded machine.
    const { line, stillRunning } = await firstLineOfIdleProcess(10_000);
    expect(stillRunning).toBe(true);
    expect(line).toMatchObject({ service: 'quiet', msg: 'only line', token: '[redacted]' });
  });
});
