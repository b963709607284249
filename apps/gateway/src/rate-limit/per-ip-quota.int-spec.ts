import request from 'supertest';
import { generateTokenSecret } from '@warden/api-token';
import { bootstrapToken, startGateway, startTokenService, type GatewayHarness, type TokenServiceHarness } from '../test/gateway-harness';

const TOO_MANY = { type: 'https://httpstatuses.com/429', title: 'Too Many Requests', status: 429, detail: 'Too Many Attempts.', success: false, messages: ['Too Many Attempts.'] };

// The gateway believes X-Forwarded-For from loopback, so each test plays clients behind addresses of
// its own: one load balancer's address shared by many clients, an attacker's, an office network.
// The shipped per-IP failure quota: 10 a minute.
describe('per-IP quota for failures only, and a per-IP budget for verifications', () => {
  let tokens: TokenServiceHarness;
  let gateway: GatewayHarness;
  let admin: { secret: string };

  beforeAll(async () => {
    tokens = await startTokenService();
    gateway = await startGateway(tokens.url, { TRUST_PROXY: 'loopback', RATE_LIMIT_PER_IP: '10', RATE_LIMIT_IP_WINDOW_SECONDS: '60' });
    admin = await bootstrapToken(tokens.url);
  });
  afterAll(async () => {
    await gateway?.close();
    await tokens?.close();
  });

  const call = (url: string, ip: string, secret: string | undefined, method: 'get' | 'post' = 'get', path = '/api/v1/apitokens/verify') => {
    const test = request(url)[method](path).set('X-Forwarded-For', ip);
    return secret === undefined ? test : test.set('Authorization', secret.startsWith('Bearer') ? secret : `Bearer ${secret}`);
  };
  /** A token the gateway has never verified (created through it, but its secret not yet used). */
  const newToken = async (body: Record<string, unknown> = {}) => {
    const response = await call(gateway.url, '192.0.2.1', admin.secret, 'post', '/api/v1/apitokens').send({ name: 'client', ...body });
    expect(response.status).toBe(201);
    return response.body.data.token as string;
  };
  /** Ten failed requests from `ip`, the way ten misconfigured clients fail: 401 each, then the quota is spent. */
  const exhaust = async (ip: string) => {
    const failures = [undefined, 'Bearer nope', `${admin.secret.slice(0, -1)}x`, generateTokenSecret(), generateTokenSecret()];
    const statuses = [];
    for (let i = 0; i < 10; i++) statuses.push((await call(gateway.url, ip, failures[i % failures.length])).status);
    expect(statuses).toEqual(Array(10).fill(401));
    const refused = await call(gateway.url, ip, generateTokenSecret());
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject(TOO_MANY);
    expect(refused.headers['ratelimit-policy']).toBe('"per-ip";q=10;w=60');
    expect(refused.headers['ratelimit']).toMatch(/^"per-ip";r=0;t=\d+$/);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  };

  it('ten failing clients behind one load balancer address do not lock out a valid token', async () => {
    const balancer = '198.51.100.10';
    const first = await newToken({ scopes: ['tokens:read'] });
    const second = await newToken({ scopes: ['tokens:read'] });
    await exhaust(balancer);

    // Valid tokens the gateway has not cached yet, from the same address: served, under their own quota.
    const served = await call(gateway.url, balancer, first);
    expect(served.status).toBe(200);
    expect(served.headers['ratelimit-policy']).toMatch(/^"per-token";/);
    expect((await call(gateway.url, balancer, second, 'get', '/api/v1/apitokens?limit=1')).status).toBe(200);
    expect((await call(gateway.url, balancer, first)).status).toBe(200); // cached now

    // The failing clients stay refused, malformed and unknown secrets alike, without asking the token service.
    const before = tokens.verifyCalls();
    const known = generateTokenSecret();
    expect((await call(gateway.url, balancer, 'Bearer nope')).status).toBe(429);
    expect((await call(gateway.url, balancer, known)).status).toBe(429); // asked once: unknown
    const again = await call(gateway.url, balancer, known);
    expect([again.status, again.headers['ratelimit-policy']]).toEqual([429, '"per-ip";q=10;w=60']);
    expect(Number(again.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(tokens.verifyCalls() - before).toBe(1);
  });

  it('a valid token missing a scope gets 403 not 429 from an exhausted IP', async () => {
    const balancer = '198.51.100.20';
    const reader = await newToken({ scopes: ['tokens:read'] });
    await exhaust(balancer);
    const create = await call(gateway.url, balancer, reader, 'post', '/api/v1/apitokens').send({ name: 'x' });
    expect(create.status).toBe(403);
    expect(create.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(create.body.detail).toMatch(/tokens:write/);
    expect((await call(gateway.url, balancer, reader, 'get', '/api/v1/apitokens?limit=1')).status).toBe(200);
    // Missing a scope is not a failure of the address: the quota is still the one the failures spent.
    expect((await call(gateway.url, balancer, undefined)).status).toBe(429);
  });

  it('a stolen token probed from outside its allowlist spends the IP quota and then gets 429', async () => {
    const stolen = await newToken({ allowedIps: ['10.0.0.0/8'], rateLimit: { limit: 5, windowSeconds: 60 } });
    const attacker = '203.0.113.50';
    const probes = [];
    for (let i = 0; i < 12; i++) probes.push(await call(gateway.url, attacker, stolen));
    expect(probes.map((probe) => probe.status)).toEqual([...Array(10).fill(403), 429, 429]);
    expect(probes[0].body.detail).toBe('This API token may not be used from this IP address.');
    expect(probes.slice(0, 10).map((probe) => /;r=(\d+);/.exec(probe.headers['ratelimit'])?.[1])).toEqual(['9', '8', '7', '6', '5', '4', '3', '2', '1', '0']);
    for (const refused of probes.slice(10)) {
      expect(refused.body).toMatchObject(TOO_MANY);
      expect(refused.headers['ratelimit-policy']).toBe('"per-ip";q=10;w=60');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    }
    // From inside its allowlist the token works, its own quota untouched by the probes.
    const owner = await call(gateway.url, '10.1.2.3', stolen);
    expect(owner.status).toBe(200);
    expect([owner.headers['ratelimit-policy'], owner.headers['ratelimit']?.replace(/;t=\d+$/, '')]).toEqual(['"per-token";q=5;w=60', '"per-token";r=4']);
  });

  it('a flood of well-formed unknown secrets from one IP is capped per second before the token service', async () => {
    // A budget of 5 verifications per second per IP (the shipped one is 100), failures not limited here.
    const capped = await startGateway(tokens.url, { TRUST_PROXY: 'loopback', RATE_LIMIT_VERIFY_PER_IP_PER_SECOND: '5', RATE_LIMIT_PER_IP: '100000' });
    try {
      const flooder = '198.51.100.30';
      const before = tokens.verifyCalls();
      const started = Date.now();
      const secrets = Array.from({ length: 100 }, () => generateTokenSecret());
      const answers = await Promise.all(secrets.map((secret) => call(capped.url, flooder, secret)));
      const elapsed = Date.now() - started;
      const verified = tokens.verifyCalls() - before;
      const statuses = answers.map((answer) => answer.status);
      expect(new Set(statuses)).toEqual(new Set([401, 429]));
      // Each 401 is one the token service answered; every other secret was refused before it.
      expect(statuses.filter((status) => status === 401).length).toBe(verified);
      // No second of the flood reached the token service more than 5 times.
      expect(verified).toBeLessThanOrEqual(5 * (Math.floor(elapsed / 1000) + 1));
      for (const refused of answers.filter((answer) => answer.status === 429)) {
        expect(refused.body).toMatchObject(TOO_MANY);
        expect(refused.headers['ratelimit-policy']).toBe('"per-ip-verify";q=5;w=1');
        // Within a second and one bucket (50 ms) the oldest verifications stop counting.
        expect([1, 2]).toContain(Number(refused.headers['retry-after']));
      }
      // A secret the token service called unknown is refused again without asking it.
      const known = secrets[statuses.indexOf(401)];
      const callsNow = tokens.verifyCalls();
      expect((await call(capped.url, flooder, known)).status).toBe(401);
      expect(tokens.verifyCalls()).toBe(callsNow);
      // The budget is the flooder's own: a client at another address is verified and served.
      expect((await call(capped.url, '198.51.100.31', await newToken())).status).toBe(200);
    } finally {
      await capped.close();
    }
  });
});
