import { once } from 'node:events';
import { networkInterfaces } from 'node:os';
import { testInfra } from '@warden/testing';
import { accepts, launchApp as launch, startApp as start, stopGracefully, type RunningApp as Running } from './processes';

// Each app as the real process `npm start` and the containers run: config from env, the signed
// identity gate, health endpoints, and a clean exit on SIGTERM.

/** An address of this machine other than loopback, to see which servers listen beyond it. */
const outsideAddress = Object.values(networkInterfaces())
  .flat()
  .find((address) => address && !address.internal && address.family === 'IPv4')?.address;
/** Whether `port` accepts connections on that address (false on a machine that has none). */
const acceptsFromOutside = (port: number) => (outsideAddress ? accepts(port, outsideAddress) : Promise.resolve(false));

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

  it('refuses an unsigned identity', async () => {
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const res = await fetch(`${running.url}${publicPath}`, {
      headers: { 'x-warden-identity': `${part({ alg: 'none', typ: 'JWT' })}.${part({ iss: 'gateway', idn: { accountId: 'a' } })}.` },
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
    ['gateway', { REDIS_URL: 'http://nope' }, /REDIS_URL: must be a redis:\/\/, rediss:\/\/, redis\+cluster:\/\/ or rediss\+cluster:\/\/ URL/],
    ['audit-service', { NODE_ENV: 'production', INTERNAL_KEYS: '' }, /INTERNAL_KEYS: needs a key for gateway>audit-service/],
    // Whatever NODE_ENV says, no secret has a default: a service without its keys does not start.
    ['token-service', { NODE_ENV: 'development', TOKEN_HASH_KEY: '' }, /TOKEN_HASH_KEY: must be at least 32 characters/],
    ['credential-service', { NODE_ENV: 'development', CREDENTIAL_ENCRYPTION_KEYS: '' }, /CREDENTIAL_ENCRYPTION_KEYS: must list at least one keyId:base64key/],
    ['token-service', { NODE_ENV: 'development', TOKEN_ENCRYPTION_KEYS: '' }, /TOKEN_ENCRYPTION_KEYS: must list at least one keyId:base64key/],
    ['audit-service', { NODE_ENV: 'test', AUDIT_SIGNING_KEY: '' }, /AUDIT_SIGNING_KEY: must be an Ed25519 private key/],
    ['gateway', { NODE_ENV: 'development', INTERNAL_KEYS: '' }, /INTERNAL_KEYS: needs a key for gateway>token-service, gateway>credential-service, gateway>audit-service/],
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
