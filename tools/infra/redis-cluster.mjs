// A real Redis Cluster on loopback: three masters from `redis-server`, slots assigned by
// `redis-cli --cluster create`, for the tests that run Warden on a cluster and for trying
// `npm start` against one (`node tools/infra/redis-cluster.mjs` prints its REDIS_URL and runs
// until interrupted). Plain Node with built-ins only, as launcher.mjs.
import { execFile, spawn } from 'node:child_process';
import { accessSync, constants, rmSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort } from './launcher.mjs';

const run = promisify(execFile);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const STOP_GRACE_MS = 5_000;

function which(name) {
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

/** Whether this machine can start a cluster (`redis-server` and `redis-cli` on PATH). */
export function canStartRedisCluster() {
  return Boolean(which('redis-server') && which('redis-cli'));
}

/**
 * Starts `masters` (default 3) cluster-enabled `redis-server`s on free loopback ports, without
 * persistence, in a temporary directory; joins them with `redis-cli --cluster create` (no
 * replicas, the 16384 slots split evenly) and resolves once every node reports `cluster_state:ok`.
 * Returns `{ url, nodes: [{ host, port, pid }], stop }`, `url` being the `redis+cluster://` seed
 * list Warden's REDIS_URL takes. `stop()` ends the servers and removes the directory.
 */
export async function startRedisCluster({ masters = 3, log = () => undefined } = {}) {
  const server = which('redis-server');
  const cli = which('redis-cli');
  if (!server || !cli) throw new Error('redis-server and redis-cli must be on PATH to start a Redis Cluster (Debian/Ubuntu: `apt-get install redis-server`)');
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'warden-redis-cluster-'));
  const procs = [];
  const cleanup = () => {
    for (const proc of procs) if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', cleanup);

  const stop = async () => {
    await Promise.all(procs.map(stopProcess));
    await fs.rm(dir, { recursive: true, force: true });
    process.off('exit', cleanup);
  };

  try {
    const nodes = [];
    for (let i = 0; i < masters; i++) {
      const [port, busPort] = await distinctFreePorts(nodes);
      const proc = spawn(
        server,
        [
          '--port', String(port),
          '--cluster-port', String(busPort),
          '--bind', '127.0.0.1',
          '--daemonize', 'no',
          '--dir', dir,
          '--cluster-enabled', 'yes',
          '--cluster-config-file', path.join(dir, `nodes-${port}.conf`),
          '--cluster-node-timeout', '5000',
          '--save', '',
          '--appendonly', 'no',
        ],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      );
      procs.push(proc);
      nodes.push({ host: '127.0.0.1', port, busPort, pid: proc.pid });
    }
    for (const node of nodes) await until(`redis-server on ${node.port}`, async () => (await ask(cli, node.port, 'PING')) === 'PONG', 10_000);
    await run(cli, ['--cluster', 'create', ...nodes.map((node) => `${node.host}:${node.port}`), '--cluster-replicas', '0', '--cluster-yes'], { timeout: 30_000 });
    for (const node of nodes) await until(`cluster state on ${node.port}`, async () => /cluster_state:ok/.test(await ask(cli, node.port, 'CLUSTER', 'INFO')), 30_000);
    // Every node must also know every other one's slots before a client may rely on any of them.
    for (const node of nodes) {
      await until(`slot map on ${node.port}`, async () => (await ask(cli, node.port, 'CLUSTER', 'NODES')).split('\n').filter((line) => /master/.test(line) && /\d+-\d+/.test(line)).length === masters, 30_000);
    }
    const url = `redis+cluster://${nodes.map((node) => `${node.host}:${node.port}`).join(',')}`;
    log(`Redis Cluster of ${masters} masters at ${url}`);
    return { url, nodes: nodes.map(({ host, port, pid }) => ({ host, port, pid })), dir, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function distinctFreePorts(taken) {
  const used = new Set(taken.flatMap((node) => [node.port, node.busPort]));
  const ports = [];
  while (ports.length < 2) {
    const port = await freePort();
    if (!used.has(port) && !ports.includes(port)) ports.push(port);
  }
  return ports;
}

async function ask(cli, port, ...command) {
  try {
    const { stdout } = await run(cli, ['-h', '127.0.0.1', '-p', String(port), ...command], { timeout: 5_000 });
    return stdout.trim();
  } catch {
    return '';
  }
}

async function until(what, check, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function stopProcess(proc) {
  if (proc.exitCode !== null || proc.signalCode !== null || !proc.pid) return;
  const gone = new Promise((resolve) => proc.once('exit', resolve));
  proc.kill('SIGTERM');
  const timer = setTimeout(() => proc.kill('SIGKILL'), STOP_GRACE_MS);
  await gone;
  clearTimeout(timer);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const cluster = await startRedisCluster({ log: (line) => process.stderr.write(`[redis-cluster] ${line}\n`) });
  process.stdout.write(`REDIS_URL=${cluster.url}\n`);
  let ending;
  const end = () => (ending ??= cluster.stop().then(() => process.exit(0)));
  process.once('SIGINT', end);
  process.once('SIGTERM', end);
  // Started by a test with a pipe for stdin: when that process goes, so does the cluster.
  if (!process.stdin.isTTY) process.stdin.on('end', end).resume();
}
