import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';
import { join } from 'node:path';
import { freePort, testInfra, TEST_KEYS, uniqueName } from '@warden/testing';
import { builtEntry } from '../build/built-entry';

// For tests that run Warden's real processes: free ports, waits bounded by a deadline, and stops
// that end in a known state.

export { freePort };

/** Whether something accepts TCP connections on `host`:`port` (127.0.0.1 unless given). */
export function accepts(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

/** Whether a GET of `url` answers 2xx; false while nothing listens there. */
export async function answersOk(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(2_000) })).ok;
  } catch {
    return false;
  }
}

/** A child process whose last output (stdout and stderr) is kept for failure messages. */
export interface Watched {
  child: ChildProcess;
  output: () => string;
}

export function spawnWatched(command: string, args: string[], options: SpawnOptions): Watched {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-64_000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return { child, output: () => output };
}

const hasExited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

/**
 * Resolves once `check` returns true. Fails when `timeoutMs` passes, or at once when the process
 * that should get there has exited, with that process's output.
 */
export async function waitFor(what: string, check: () => Promise<boolean>, { timeoutMs, watched }: { timeoutMs: number; watched?: Watched }): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (watched && hasExited(watched.child)) {
      throw new Error(`${what}: the process exited (${watched.child.signalCode ?? watched.child.exitCode}) first\n${watched.output()}`);
    }
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms\n${watched?.output() ?? ''}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Sends SIGTERM and resolves with the exit code; SIGKILLs and fails if the process outlives `timeoutMs`. */
export async function stopGracefully(child: ChildProcess, timeoutMs = 20_000): Promise<number | null> {
  if (hasExited(child)) return child.exitCode;
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`pid ${child.pid} did not exit within ${timeoutMs} ms of SIGTERM`));
    }, timeoutMs);
  });
  try {
    const [code] = await Promise.race([exited, late]);
    return code;
  } finally {
    clearTimeout(timer);
  }
}

/** SIGKILL to the process and, when it was spawned `detached` (its own group), to everything it started. */
export function killAll(child: ChildProcess | undefined): void {
  if (!child?.pid) return;
  try {
    process.kill(-child.pid, 'SIGKILL'); // the group: gone already unless it was detached and still has members
  } catch {
    // no such group
  }
  if (!hasExited(child)) child.kill('SIGKILL');
}

const root = join(__dirname, '..', '..');

/** One of Warden's apps as a real process, as `npm start` and the containers run it. */
export interface RunningApp extends Watched {
  url: string;
  port: number;
  /** The operations server: /metrics and the detailed /readyz. */
  adminUrl: string;
  adminPort: number;
  /** Its database (each app started here gets one of its own). */
  database: string;
}

/**
 * The app in a process of its own, from its production bundle (`dist/apps/<app>/main.js`, rebuilt
 * first when a source is newer), with the test process's generated keys under `env`.
 */
export function launchApp(app: string, env: Record<string, string>): Watched {
  return spawnWatched(process.execPath, ['--enable-source-maps', builtEntry(app)], {
    cwd: root,
    // Nothing in the source is a key a service would take: the keys are this test process's own.
    env: { ...process.env, LOG_LEVEL: 'warn', LOG_FILE: '', ...TEST_KEYS, ...env },
  });
}

/** Launches `app` on free ports with the run's Redis and MongoDB and waits until it is ready. */
export async function startApp(app: string, env: Record<string, string> = {}): Promise<RunningApp> {
  const [port, adminPort] = await Promise.all([freePort(), freePort()]);
  const { redisUrl, mongoUrl } = testInfra();
  const database = env.MONGODB_DB ?? uniqueName(app);
  const launched = launchApp(app, { PORT: String(port), ADMIN_PORT: String(adminPort), REDIS_URL: redisUrl, MONGODB_URL: mongoUrl, MONGODB_DB: database, ...env });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(`${app} ready`, () => answersOk(`${url}/readyz`), { timeoutMs: 30_000, watched: launched });
  } catch (error) {
    launched.child.kill('SIGKILL');
    throw error;
  }
  return { ...launched, url, port, adminUrl: `http://127.0.0.1:${adminPort}`, adminPort, database };
}
