import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, TEST_KEYS, testInfra, uniqueName } from '@warden/testing';
import { loadAccountsEnv, runAccountsCreate } from '../cli/commands/accounts';
import { accepts, answersOk, freePort, killAll, spawnWatched, stopGracefully, waitFor, type Watched } from '../e2e/processes';

// The production build as the Docker image runs it: `node dist/apps/<app>/main.js`, the npm packages
// it keeps external loaded from node_modules, and no TypeScript loader anywhere.
const root = join(__dirname, '..', '..');
const apps = ['token-service', 'credential-service', 'audit-service', 'gateway'] as const;
type App = (typeof apps)[number];
const CONSOLE_PAGE = '<!doctype html><title>console stand-in</title>';

/**
 * An installation laid out as the image's: the build output, the console build beside it (a stand-in
 * page), and a node_modules holding every package of this checkout but tsx (links to each).
 */
function productionTree(): string {
  const dir = mkdtempSync(join(tmpdir(), 'warden-dist-'));
  cpSync(join(root, 'dist', 'apps'), join(dir, 'dist', 'apps'), { recursive: true });
  mkdirSync(join(dir, 'node_modules'));
  for (const entry of readdirSync(join(root, 'node_modules'))) {
    if (entry !== 'tsx' && entry !== '.bin') symlinkSync(join(root, 'node_modules', entry), join(dir, 'node_modules', entry));
  }
  mkdirSync(join(dir, 'apps', 'console', 'dist'), { recursive: true });
  writeFileSync(join(dir, 'apps', 'console', 'dist', 'index.html'), CONSOLE_PAGE);
  return dir;
}

interface Running extends Watched {
  url: string;
  port: number;
  adminPort: number;
}

describe('the production build, run with plain node where tsx cannot be resolved', () => {
  let dir: string;
  const running = {} as Record<App, Running>;
  const { redisUrl, mongoUrl } = testInfra();
  // One database for the three services, as `npm start` gives them (their collections differ).
  const database = uniqueName('dist');
  const queuePrefix = uniqueName('q');

  function launch(app: App, port: number, adminPort: number, env: Record<string, string>): Running {
    // Nothing inherited may bring a loader back in.
    const { NODE_OPTIONS: _options, TSX_TSCONFIG_PATH: _tsconfig, ...inherited } = process.env;
    const watched = spawnWatched(process.execPath, ['--enable-source-maps', join(dir, 'dist', 'apps', app, 'main.js')], {
      cwd: dir,
      env: {
        ...inherited,
        ...TEST_KEYS,
        NODE_ENV: 'production',
        LOG_LEVEL: 'warn',
        LOG_FILE: '',
        HOST: '127.0.0.1',
        PORT: String(port),
        ADMIN_PORT: String(adminPort),
        REDIS_URL: redisUrl,
        MONGODB_URL: mongoUrl,
        MONGODB_DB: database,
        AUDIT_QUEUE_PREFIX: queuePrefix,
        ...env,
      },
    });
    return { ...watched, url: `http://127.0.0.1:${port}`, port, adminPort };
  }

  beforeAll(async () => {
    execFileSync(process.execPath, [join(root, 'tools', 'build', 'build-apps.mjs')], { cwd: root, stdio: 'pipe' });
    dir = productionTree();
    const ports = Object.fromEntries(await Promise.all(apps.map(async (app) => [app, [await freePort(), await freePort()]] as const))) as Record<App, [number, number]>;
    const url = (app: App) => `http://127.0.0.1:${ports[app][0]}`;
    const services = { AUDIT_SERVICE_URL: url('audit-service') };
    // A service that keeps idle connections 5 s: the gateway's pool must follow its hint.
    running['token-service'] = launch('token-service', ...ports['token-service'], { ...services, KEEP_ALIVE_TIMEOUT_MS: '5000' });
    running['credential-service'] = launch('credential-service', ...ports['credential-service'], services);
    running['audit-service'] = launch('audit-service', ...ports['audit-service'], {
      AUDIT_ANCHOR_SOURCES: `token-service=${url('token-service')},credential-service=${url('credential-service')}`,
    });
    running.gateway = launch('gateway', ...ports.gateway, {
      TOKEN_SERVICE_URL: url('token-service'),
      CREDENTIAL_SERVICE_URL: url('credential-service'),
      AUDIT_SERVICE_URL: url('audit-service'),
      // Plain HTTP on loopback here; production's default refuses it.
      REQUIRE_HTTPS: 'false',
      RATE_LIMIT_KEY_PREFIX: `${uniqueName('rl')}:`,
      // Behind a balancer that keeps idle connections 65 s: the gateway keeps them longer.
      KEEP_ALIVE_TIMEOUT_MS: '70000',
    });
    for (const app of apps) {
      await waitFor(`${app} ready from dist`, () => answersOk(`${running[app].url}/readyz`), { timeoutMs: 60_000, watched: running[app] });
    }
  }, 120_000);

  afterAll(() => {
    for (const app of apps) killAll(running[app]?.child);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('has no tsx to load: the packages resolve from there, tsx does not', () => {
    const fromBundle = createRequire(join(dir, 'dist', 'apps', 'gateway', 'main.js'));
    expect(fromBundle.resolve('express')).toBeTruthy();
    expect(() => fromBundle.resolve('tsx')).toThrow(/Cannot find module 'tsx'/);
  });

  it('ships beside each bundle the files its modules read at run time', () => {
    for (const app of apps) expect([app, existsSync(join(dir, 'dist', 'apps', app, 'openapi.yaml'))]).toEqual([app, true]);
    // The CLI's offline export verifier runs in worker threads from this file; the audit service bundles that module.
    expect(existsSync(join(dir, 'dist', 'apps', 'audit-service', 'verify-worker.mjs'))).toBe(true);
  });

  it('keeps idle connections as long as KEEP_ALIVE_TIMEOUT_MS says, and tells its clients', async () => {
    const keepAlive = (url: string) =>
      new Promise<string | undefined>((resolve, reject) => {
        const req = request(`${url}/healthz`, { headers: { connection: 'keep-alive' } }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.headers['keep-alive'] as string | undefined));
        });
        req.on('error', reject);
        req.end();
      });
    expect(await keepAlive(running.gateway.url)).toBe('timeout=70');
    expect(await keepAlive(running['token-service'].url)).toBe('timeout=5');
    expect(await keepAlive(running['credential-service'].url)).toBe('timeout=65');
  });

  it('serves /healthz from every app', async () => {
    for (const app of apps) {
      const res = await fetch(`${running[app].url}/healthz`);
      expect([app, res.status, await res.json()]).toEqual([app, 200, { status: 'ok' }]);
    }
  });

  it('serves the contract and the console the gateway finds from the installation root', async () => {
    const contract = await fetch(`${running.gateway.url}/api/v1/openapi.json`);
    expect(contract.status).toBe(200);
    expect(await contract.json()).toMatchObject({ openapi: expect.stringMatching(/^3\.1/) });
    const page = await fetch(`${running.gateway.url}/console/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toBe(CONSOLE_PAGE);
  });

  it('proxies an authenticated request to each service, and records the account in the audit trail', async () => {
    const created = await runAccountsCreate(
      'Compiled Ltd',
      loadAccountsEnv({ NODE_ENV: 'test', MONGODB_URL: mongoUrl, MONGODB_DB: database, REDIS_URL: redisUrl, TOKEN_HASH_KEY: TEST_KEYS.TOKEN_HASH_KEY, INTERNAL_KEYS: TEST_KEYS.INTERNAL_KEYS }),
      { queuePrefix },
    );
    const get = (path: string) => fetch(`${running.gateway.url}/api/v1${path}`, { headers: { authorization: `Bearer ${created.token}` } });
    const verified = await get('/apitokens/verify');
    expect(verified.status).toBe(200);
    expect(await verified.json()).toMatchObject({ success: true, data: { id: created.tokenId } });
    const credentials = await get('/credentials');
    expect(credentials.status).toBe(200);
    expect(await credentials.json()).toMatchObject({ success: true, data: [] });
    // The audit worker (BullMQ, its scripts read from node_modules) records the account's creation.
    const trail = await eventually(
      async () => (await (await get('/audit?objectType=Account')).json()) as { data?: { objectId: string; auditType: string }[] },
      (body) => Boolean(body.data?.some((record) => record.objectId === created.account.id)),
    );
    expect(trail.data).toEqual(expect.arrayContaining([expect.objectContaining({ objectId: created.account.id, auditType: 'Created' })]));
  });

  it('exits 0 on SIGTERM, every server closed', async () => {
    // The gateway first, as an orchestrator drains the door before what is behind it.
    for (const app of [...apps].reverse()) {
      const { child, port, adminPort } = running[app];
      expect([app, await stopGracefully(child)]).toEqual([app, 0]);
      expect([app, await accepts(port), await accepts(adminPort)]).toEqual([app, false, false]);
    }
  });
});
