import { once } from 'node:events';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { testInfra, uniqueName } from '@warden/testing';
import { accepts, answersOk, freePort, spawnWatched, stopGracefully, waitFor, type Watched } from './processes';

// Each app as the real process `npm start` and the containers run: config from env, the signed
// identity gate, health endpoints, and a clean exit on SIGTERM.
const root = join(__dirname, '..', '..');

interface Running extends Watched {
  url: string;
  port: number;
  /** The operations server: /metrics and the detailed /readyz. */
  adminUrl: string;
  adminPort: number;
}

/** An address of this machine other than loopback, to see which servers listen beyond it. */
const outsideAddress = Object.values(networkInterfaces())
  .flat()
  .find((address) => address && !address.internal && address.family === 'IPv4')?.address;
/** Whether `port` accepts connections on that address (false on a machine that has none). */
const acceptsFromOutside = (port: number) => (outsideAddress ? accepts(port, outsideAddress) : Promise.resolve(false));

function launch(app: string, env: Record<string, string>): Watched {
  return spawnWatched(process.execPath, ['--import', 'tsx', join(root, 'apps', app, 'src', 'main.ts')], {
    cwd: root,
    env: { ...process.env, TSX_TSCONFIG_PATH: join(root, 'tsconfig.base.json'), LOG_LEVEL: 'warn', LOG_FILE: '', ...env },
  });
}

async function start(app: string, env: Record<string, string> = {}): Promise<Running> {
  const [port, adminPort] = await Promise.all([freePort(), freePort()]);
  const { redisUrl, mongoUrl } = testInfra();
  const launched = launch(app, { PORT: String(port), ADMIN_PORT: String(adminPort), REDIS_URL: redisUrl, MONGODB_URL: mongoUrl, MONGODB_DB: uniqueName(app), ...env });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(`${app} ready`, () => answersOk(`${url}/readyz`), { timeoutMs: 30_000, watched: launched });
  } catch (error) {
    launched.child.kill('SIGKILL');
    throw error;
  }
  return { ...launched, url, port, adminUrl: `http://127.0.0.1:${adminPort}`, adminPort };
}

const services: [string, string][] = [
  ['token-service', '/api/v1/apitokens'],
  ['credential-service', '/api/v1/credentials'],
  ['audit-service', '/api/v1/audit'],
];

describe.each(services)('%s process', (app, publicPath) => {
  let running: Running;
  beforeAll(async () => {
    running = await start(app);
  });
  afterAll(() => {
    if (running?.child.exitCode === null) running.child.kill('SIGKILL');
  });

  it('answers health and a bare readiness on its port, metrics and the detailed readiness on its operations port only', async () => {
    expect((await fetch(`${running.url}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${running.url}/readyz`)).json()).toEqual({ status: 'ready' });
    expect((await fetch(`${running.url}/metrics`)).status).toBe(404);
    expect(await (await fetch(`${running.adminUrl}/readyz`)).json()).toEqual({ status: 'ready', checks: { mongodb: 'ok', redis: 'ok' } });
    const metrics = await (await fetch(`${running.adminUrl}/metrics`)).text();
    expect(metrics).toContain('process_cpu_user_seconds_total');
  });

  it('listens on loopback only, both servers, unless HOST and ADMIN_HOST say otherwise', async () => {
    expect(await acceptsFromOutside(running.port)).toBe(false);
    expect(await acceptsFromOutside(running.adminPort)).toBe(false);
  });

  it('refuses a request that did not come through the gateway', async () => {
    const res = await fetch(`${running.url}${publicPath}`);
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await res.json()).toMatchObject({ status: 401, success: false, detail: expect.stringMatching(/signed by the Warden gateway/) });
  });

  it('refuses a forged signature', async () => {
    const res = await fetch(`${running.url}${publicPath}`, {
      headers: { 'x-warden-identity': Buffer.from('{"accountId":"a"}').toString('base64url'), 'x-warden-signature': 'AAAA' },
    });
    expect(res.status).toBe(401);
  });

  it('exits 0 on SIGTERM, both servers closed', async () => {
    expect(await stopGracefully(running.child)).toBe(0);
    expect([await accepts(running.port), await accepts(running.adminPort)]).toEqual([false, false]);
  });
});

describe('gateway process', () => {
  it('serves health, its operations port and the contract, and exits 0 on SIGTERM, both servers closed', async () => {
    // The gateway is ready only once the token service it authenticates against answers.
    const tokens = await start('token-service');
    const running = await start('gateway', { TOKEN_SERVICE_URL: tokens.url });
    try {
      expect((await fetch(`${running.url}/healthz`)).status).toBe(200);
      expect(await (await fetch(`${running.url}/readyz`)).json()).toEqual({ status: 'ready' });
      expect((await fetch(`${running.url}/metrics`)).status).toBe(404);
      expect(await (await fetch(`${running.adminUrl}/readyz`)).json()).toEqual({ status: 'ready', checks: { tokenService: 'ok', rateLimiter: 'ok' } });
      expect(await (await fetch(`${running.adminUrl}/metrics`)).text()).toContain('gateway_rate_limiter_degraded');
      // The public door listens on every interface; its operations server on loopback only.
      expect(await acceptsFromOutside(running.port)).toBe(Boolean(outsideAddress));
      expect(await acceptsFromOutside(running.adminPort)).toBe(false);
      const contract = await fetch(`${running.url}/api/v1/openapi.json`);
      expect(((await contract.json()) as { openapi: string }).openapi).toBe('3.1.0');
      const anonymous = await fetch(`${running.url}/api/v1/apitokens`);
      expect(anonymous.status).toBe(401);
      expect(await stopGracefully(running.child)).toBe(0);
      expect([await accepts(running.port), await accepts(running.adminPort)]).toEqual([false, false]);
    } finally {
      for (const child of [running.child, tokens.child]) if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});

describe('configuration errors', () => {
  it.each([
    ['token-service', { PORT: 'eighty' }, /PORT:/],
    ['gateway', { REDIS_URL: 'http://nope' }, /REDIS_URL: must be a redis:\/\/ or rediss:\/\/ URL/],
    ['audit-service', { NODE_ENV: 'production', INTERNAL_SIGNING_KEY: '' }, /INTERNAL_SIGNING_KEY/],
    ['gateway', { TRUST_PROXY: 'true' }, /TRUST_PROXY: trusting every proxy/],
    ['gateway', { TRUST_PROXY: '0.0.0.0/0' }, /TRUST_PROXY: '0\.0\.0\.0\/0' covers every address/],
    ['credential-service', { PORT: '65000' }, /ADMIN_PORT: is required when PORT is above 64535/],
  ])('%s refuses to start and names the bad variable', async (app, env, message) => {
    const { redisUrl, mongoUrl } = testInfra();
    const launched = launch(app, { PORT: '0', REDIS_URL: redisUrl, MONGODB_URL: mongoUrl, ...env });
    const [code] = await once(launched.child, 'exit');
    expect(code).toBe(1);
    expect(launched.output()).toMatch(message);
  });
});
