import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testInfra, uniqueName } from '@warden/testing';
import { accepts, answersOk, freePort, killAll, spawnWatched, stopGracefully, waitFor, type Watched } from '../e2e/processes';

// `npm start` as an operator runs it on a fresh clone with their own Redis and MongoDB (the
// README's first option): REDIS_URL and MONGODB_URL set, no .data/ yet, every port overridden.
const root = join(__dirname, '..', '..');

/**
 * A checkout as `git clone` leaves it: the files git knows (as they are in this working tree, so
 * uncommitted edits are tested too), nothing ignored (no .data/, no console build), and this
 * checkout's node_modules linked in so nothing is installed.
 */
function freshClone(): string {
  const dir = mkdtempSync(join(tmpdir(), 'warden-fresh-clone-'));
  const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' });
  for (const file of new Set(listed.split('\0').filter(Boolean))) {
    // Timestamps kept: start.mjs installs when package-lock.json is newer than node_modules.
    if (existsSync(join(root, file))) cpSync(join(root, file), join(dir, file), { preserveTimestamps: true });
  }
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  // Refuse rather than let start.mjs run `npm ci` through the link into this checkout's node_modules.
  if (statSync(join(dir, 'package-lock.json')).mtimeMs > statSync(join(root, 'node_modules', '.package-lock.json')).mtimeMs) {
    throw new Error('node_modules is older than package-lock.json: run `npm ci` first');
  }
  return dir;
}

/** The command lines of every live process descended from `pid` (read from /proc). */
function descendantCommandLines(pid: number): string[][] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      // "pid (comm) state ppid ...": the name may hold spaces and parentheses, so read after the last ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const isDescendant = (candidate: number): boolean => {
    for (let parent = parentOf.get(candidate); parent !== undefined && parent > 1; parent = parentOf.get(parent)) if (parent === pid) return true;
    return false;
  };
  return [...parentOf.keys()].filter(isDescendant).flatMap((descendant) => {
    try {
      return [readFileSync(`/proc/${descendant}/cmdline`, 'utf8').split('\0').filter(Boolean)];
    } catch {
      return [];
    }
  });
}

describe('npm start with REDIS_URL and MONGODB_URL on a fresh clone', () => {
  let clone: string;
  let platform: Watched | undefined;
  let hadDataDir = true;
  const ports = { gateway: 0, token: 0, credential: 0, audit: 0 };
  // Each process's operations server (/metrics, detailed /readyz), on loopback.
  const adminPorts = { gateway: 0, token: 0, credential: 0, audit: 0 };
  const given = { redisUrl: '', mongoUrl: '' };
  const gateway = () => `http://127.0.0.1:${ports.gateway}`;
  const platformFile = () => join(clone, '.data', 'platform.json');

  beforeAll(async () => {
    clone = freshClone();
    hadDataDir = existsSync(join(clone, '.data'));
    const free = await Promise.all(Array.from({ length: 8 }, () => freePort()));
    [ports.gateway, ports.token, ports.credential, ports.audit, adminPorts.gateway, adminPorts.token, adminPorts.credential, adminPorts.audit] = free;
    const { redisUrl, mongoUrl } = testInfra();
    // Its own Redis database: the platform's queues, rate limits and the shared last-used hash stay
    // apart from the other suites' (none selects a database). Its own MongoDB database, shared by
    // the three services (their collections have distinct names).
    const redis = new URL(redisUrl);
    redis.pathname = '/9';
    given.redisUrl = redis.href;
    given.mongoUrl = mongoUrl;
    platform = spawnWatched('npm', ['start'], {
      cwd: clone,
      detached: true, // its own process group, so afterAll can end every process it started
      env: {
        ...process.env,
        REDIS_URL: given.redisUrl,
        MONGODB_URL: given.mongoUrl,
        MONGODB_DB: uniqueName('platform'),
        PORT: String(ports.gateway),
        TOKEN_SERVICE_PORT: String(ports.token),
        CREDENTIAL_SERVICE_PORT: String(ports.credential),
        AUDIT_SERVICE_PORT: String(ports.audit),
        ADMIN_PORT: String(adminPorts.gateway),
        TOKEN_SERVICE_ADMIN_PORT: String(adminPorts.token),
        CREDENTIAL_SERVICE_ADMIN_PORT: String(adminPorts.credential),
        AUDIT_SERVICE_ADMIN_PORT: String(adminPorts.audit),
        LOG_LEVEL: 'warn',
        LOG_FILE: '',
      },
    });
    // Every process ready (the public /readyz): the gateway only once it reaches the token service at the port it was given.
    const readiness = Object.values(ports).map((port) => `http://127.0.0.1:${port}/readyz`);
    const allReady = async () => (await Promise.all(readiness.map(answersOk))).every(Boolean);
    await waitFor('the gateway and the three services ready', allReady, { timeoutMs: 150_000, watched: platform });
  }, 180_000);

  afterAll(() => {
    killAll(platform?.child);
    if (clone) rmSync(clone, { recursive: true, force: true });
  });

  it('starts from a checkout without .data/ and records the given URLs in .data/platform.json', () => {
    expect(hadDataDir).toBe(false);
    expect(JSON.parse(readFileSync(platformFile(), 'utf8'))).toEqual(given);
  });

  it("runs every app from the clone's own production build, built on the way, with plain node and no tsx", () => {
    const commandLines = descendantCommandLines((platform as Watched).child.pid as number);
    const apps = ['gateway', 'token-service', 'credential-service', 'audit-service'];
    const entries = apps.map((app) => join(clone, 'dist', 'apps', app, 'main.js'));
    const running = commandLines.filter((argv) => entries.includes(argv.at(-1) as string));
    expect(running.map((argv) => argv.at(-1)).sort()).toEqual([...entries].sort());
    for (const argv of running) expect(argv).toEqual([expect.stringMatching(/\bnode$/), '--enable-source-maps', argv.at(-1)]);
    expect(commandLines.filter((argv) => argv.some((arg) => /\btsx\b|\.ts$/.test(arg)))).toEqual([]);
    // Written into the clone, not through its node_modules link into this checkout.
    expect(lstatSync(join(clone, 'dist')).isDirectory()).toBe(true);
  });

  it('serves /healthz, and each service on the port its variable names', async () => {
    expect((await fetch(`${gateway()}/healthz`)).status).toBe(200);
    for (const port of [ports.token, ports.credential, ports.audit]) {
      expect(await (await fetch(`http://127.0.0.1:${port}/readyz`)).json()).toEqual({ status: 'ready' });
    }
  });

  it('serves metrics and the detailed readiness on each operations port its variable names, not on the public ports', async () => {
    expect(await (await fetch(`http://127.0.0.1:${adminPorts.gateway}/readyz`)).json()).toEqual({ status: 'ready', checks: { tokenService: 'ok', rateLimiter: 'ok' } });
    for (const port of [adminPorts.token, adminPorts.credential, adminPorts.audit]) {
      expect(await (await fetch(`http://127.0.0.1:${port}/readyz`)).json()).toEqual({ status: 'ready', checks: { mongodb: 'ok', redis: 'ok' } });
    }
    for (const port of Object.values(adminPorts)) expect(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()).toContain('process_cpu_user_seconds_total');
    for (const port of Object.values(ports)) expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(404);
  });

  it('refuses to verify a missing token with 401 problem+json', async () => {
    const res = await fetch(`${gateway()}/api/v1/apitokens/verify`);
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await res.json()).toMatchObject({ status: 401 });
  });

  // SIGTERM to npm itself, as a process manager sends it: npm forwards it to its script only.
  it('stops everything on SIGTERM, exits 0 and removes platform.json', async () => {
    const { child } = platform as Watched;
    expect(await stopGracefully(child, 30_000)).toBe(0);
    expect(existsSync(platformFile())).toBe(false);
    for (const port of [...Object.values(ports), ...Object.values(adminPorts)]) expect(await accepts(port)).toBe(false);
  });
});

describe('npm start on a clone whose services do not build', () => {
  let clone: string;
  let started: Watched | undefined;
  afterAll(() => {
    killAll(started?.child);
    if (clone) rmSync(clone, { recursive: true, force: true });
  });

  it('starts nothing, exits 1 and names the error', async () => {
    clone = freshClone();
    const main = join(clone, 'apps', 'token-service', 'src', 'main.ts');
    writeFileSync(main, `${readFileSync(main, 'utf8')}\nexport const = 1;\n`);
    const { redisUrl, mongoUrl } = testInfra();
    const [port, tokenPort] = await Promise.all([freePort(), freePort()]);
    started = spawnWatched('npm', ['start'], {
      cwd: clone,
      detached: true,
      env: { ...process.env, REDIS_URL: redisUrl, MONGODB_URL: mongoUrl, PORT: String(port), TOKEN_SERVICE_PORT: String(tokenPort), LOG_LEVEL: 'warn', LOG_FILE: '' },
    });
    const [code] = await once(started.child, 'exit');
    expect(code).toBe(1);
    expect(started.output()).toMatch(/the services did not build, so nothing was started/);
    expect(started.output()).toMatch(/apps\/token-service\/src\/main\.ts:\d+:\d+/);
    expect(existsSync(join(clone, 'dist', 'apps', 'token-service', 'main.js'))).toBe(false);
    expect(existsSync(join(clone, '.data', 'platform.json'))).toBe(false);
    expect([await accepts(port), await accepts(tokenPort)]).toEqual([false, false]);
  }, 120_000);
});
