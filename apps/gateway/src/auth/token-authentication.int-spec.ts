import request from 'supertest';
import { generateTokenSecret, lastUsedKey } from '@warden/api-token';
import { bootstrapToken, startGateway, startTokenService, type GatewayHarness, type TokenServiceHarness } from '../test/gateway-harness';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves once the clock has passed `instant` (ms): what the gateway compares an expiry with. */
async function until(instant: number): Promise<void> {
  while (Date.now() <= instant) await sleep(Math.min(250, instant - Date.now() + 1));
}

describe('gateway authentication through the real token service', () => {
  let tokens: TokenServiceHarness;
  let gateway: GatewayHarness;
  let admin: { id: string; secret: string; accountId: string };

  const get = (path: string, secret?: string) => {
    const test = request(gateway.url).get(path);
    return secret === undefined ? test : test.set('Authorization', `Bearer ${secret}`);
  };
  const create = async (body: Record<string, unknown>) => {
    const response = await request(gateway.url).post('/api/v1/apitokens').set('Authorization', `Bearer ${admin.secret}`).send({ name: 'probe', ...body });
    expect(response.status).toBe(201);
    return { id: response.body.data.id as string, secret: response.body.data.token as string };
  };

  beforeAll(async () => {
    tokens = await startTokenService();
    gateway = await startGateway(tokens.url);
    admin = await bootstrapToken(tokens.url);
  });
  afterAll(async () => {
    await gateway?.close();
    await tokens?.close();
  });

  it('accepts a valid token and passes its identity upstream', async () => {
    const response = await get('/api/v1/apitokens/verify', admin.secret);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ success: true, messages: ['Congratulations, your API Token works.'], data: { id: admin.id } });
    expect(response.headers['ratelimit-policy']).toBe('"per-token";q=1000;w=60');
    expect(response.headers['ratelimit']).toMatch(/^"per-token";r=\d+;t=\d+$/);
  });

  it.each([
    ['missing', undefined],
    ['wrong scheme', `Basic ${Buffer.from('a:b').toString('base64')}`],
    ['malformed', 'Bearer not-a-warden-token'],
    ['bad checksum', 'Bearer BAD_CHECKSUM'],
    ['blank Bearer', 'Bearer '],
  ])('refuses a %s token with 401 without asking the token service', async (_case, header) => {
    const before = tokens.verifyCalls();
    const secret = generateTokenSecret();
    const typo = secret.slice(0, 10) + (secret[10] === 'a' ? 'b' : 'a') + secret.slice(11);
    let test = request(gateway.url).get('/api/v1/apitokens/verify');
    if (header) test = test.set('Authorization', header.replace('BAD_CHECKSUM', typo));
    const response = await test;
    expect(response.status).toBe(401);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="warden"');
    expect(response.body).toMatchObject({ type: 'https://httpstatuses.com/401', title: 'Unauthorized', status: 401, success: false });
    expect(response.headers['ratelimit-policy']).toBe('"per-ip";q=1000;w=60');
    expect(tokens.verifyCalls()).toBe(before);
  });

  it('refuses an unknown token that passes the checksum', async () => {
    const response = await get('/api/v1/apitokens/verify', generateTokenSecret());
    expect(response.status).toBe(401);
    expect(response.body.detail).toBe('The API token is not valid.');
  });

  it('refuses a disabled token at once, and accepts it again once re-enabled', async () => {
    const token = await create({});
    expect((await get('/api/v1/apitokens/verify', token.secret)).status).toBe(200);
    const patch = await request(gateway.url).patch(`/api/v1/apitokens/${token.id}`).set('Authorization', `Bearer ${admin.secret}`).send({ enabled: false });
    expect(patch.status).toBe(200);
    const refused = await get('/api/v1/apitokens/verify', token.secret);
    expect(refused.status).toBe(401);
    expect(refused.body.detail).toBe('The API token is disabled.');
    await request(gateway.url).patch(`/api/v1/apitokens/${token.id}`).set('Authorization', `Bearer ${admin.secret}`).send({ enabled: true }).expect(200);
    expect((await get('/api/v1/apitokens/verify', token.secret)).status).toBe(200);
  });

  it('refuses a revoked token', async () => {
    const token = await create({});
    expect((await get('/api/v1/apitokens/verify', token.secret)).status).toBe(200);
    await request(gateway.url).delete(`/api/v1/apitokens/${token.id}`).set('Authorization', `Bearer ${admin.secret}`).expect(200);
    const refused = await get('/api/v1/apitokens/verify', token.secret);
    expect(refused.status).toBe(401);
    expect(refused.body.detail).toBe('The API token has been revoked.');
  });

  it('refuses a token once it expires, even with its verification cached', async () => {
    // Ten seconds: creating and using the token fits in them on any machine; the gateway runs on the real clock.
    const expiresAt = Date.now() + 10_000;
    const token = await create({ expiresAt: new Date(expiresAt).toISOString() });
    expect((await get('/api/v1/apitokens/verify', token.secret)).status).toBe(200);
    // The verification is cached: the next use does not ask the token service.
    const calls = tokens.verifyCalls();
    expect((await get('/api/v1/apitokens/verify', token.secret)).status).toBe(200);
    expect(tokens.verifyCalls()).toBe(calls);
    await until(expiresAt);
    const refused = await get('/api/v1/apitokens/verify', token.secret);
    expect(refused.status).toBe(401);
    expect(refused.body.detail).toBe('The API token has expired.');
  });

  it('refuses the old secret right after a rotation without grace, and accepts the new one', async () => {
    const token = await create({});
    expect((await get('/api/v1/apitokens/verify', token.secret)).status).toBe(200);
    const rotated = await request(gateway.url).post(`/api/v1/apitokens/${token.id}/rotate`).set('Authorization', `Bearer ${admin.secret}`).send({});
    expect(rotated.status).toBe(200);
    expect((await get('/api/v1/apitokens/verify', token.secret)).status).toBe(401);
    expect((await get('/api/v1/apitokens/verify', rotated.body.data.token)).status).toBe(200);
  });

  it('keeps the old secret working through a rotation grace period, and not a moment after', async () => {
    const token = await create({});
    expect((await get('/api/v1/apitokens/verify', token.secret)).status).toBe(200);
    const rotated = await request(gateway.url)
      .post(`/api/v1/apitokens/${token.id}/rotate`)
      .set('Authorization', `Bearer ${admin.secret}`)
      .send({ gracePeriodSeconds: 10 });
    expect(rotated.status).toBe(200);
    const graceEnds = Date.parse(rotated.body.data.previousSecretExpiresAt);
    expect(graceEnds).toBeGreaterThan(Date.now());
    expect((await get('/api/v1/apitokens/verify', token.secret)).status).toBe(200);
    expect((await get('/api/v1/apitokens/verify', rotated.body.data.token)).status).toBe(200);
    await until(graceEnds);
    expect((await get('/api/v1/apitokens/verify', token.secret)).status).toBe(401);
    expect((await get('/api/v1/apitokens/verify', rotated.body.data.token)).status).toBe(200);
  });

  it('refuses a use from outside the allowlist with 403 and accepts one from inside', async () => {
    const elsewhere = await create({ allowedIps: ['10.0.0.0/8', '2001:db8::/32'] });
    const response = await get('/api/v1/apitokens/verify', elsewhere.secret);
    expect(response.status).toBe(403);
    expect(response.body.detail).toBe('This API token may not be used from this IP address.');
    const here = await create({ allowedIps: ['10.0.0.0/8', '127.0.0.1'] });
    expect((await get('/api/v1/apitokens/verify', here.secret)).status).toBe(200);
  });

  it('believes X-Forwarded-For only behind a trusted proxy', async () => {
    const token = await create({ allowedIps: ['203.0.113.0/24'] });
    const forwarded = (url: string) => request(url).get('/api/v1/apitokens/verify').set('Authorization', `Bearer ${token.secret}`).set('X-Forwarded-For', '203.0.113.7');
    expect((await forwarded(gateway.url)).status).toBe(403);
    const behindProxy = await startGateway(tokens.url, { TRUST_PROXY: 'loopback' });
    try {
      expect((await forwarded(behindProxy.url)).status).toBe(200);
    } finally {
      await behindProxy.close();
    }
  });

  it('refuses an operation the token has no scope for with 403', async () => {
    const reader = await create({ scopes: ['tokens:read'] });
    expect((await get('/api/v1/apitokens', reader.secret)).status).toBe(200);
    const response = await request(gateway.url).post('/api/v1/apitokens').set('Authorization', `Bearer ${reader.secret}`).send({ name: 'x' });
    expect(response.status).toBe(403);
    expect(response.body.detail).toBe("This API token lacks the 'tokens:write' scope.");
  });

  it('verifies a burst of one new token with a single call, then serves it from the cache', async () => {
    const token = await create({});
    const before = tokens.verifyCalls();
    const burst = await Promise.all(Array.from({ length: 20 }, () => get('/api/v1/apitokens/verify', token.secret)));
    expect(burst.map((response) => response.status)).toEqual(Array(20).fill(200));
    expect(tokens.verifyCalls() - before).toBe(1);
    await get('/api/v1/apitokens/verify', token.secret).expect(200);
    expect(tokens.verifyCalls() - before).toBe(1);
  });

  it('records the last use in Redis for the token service to flush', async () => {
    const token = await create({});
    // Every token service of the test run flushes this one hash (one Redis), whichever database it
    // writes to: one may take the entry between the request and the read. Then use the token again.
    let reported: { before: number; after: number; lastUsed: string | null } = { before: 0, after: 0, lastUsed: null };
    for (let attempt = 0; attempt < 5 && reported.lastUsed === null; attempt++) {
      const before = Date.now();
      await get('/api/v1/apitokens/verify', token.secret).expect(200);
      reported = { before, lastUsed: await tokens.redis.hget(lastUsedKey(admin.accountId), token.id), after: Date.now() };
    }
    expect(reported.lastUsed).not.toBeNull();
    expect(Number(reported.lastUsed)).toBeGreaterThanOrEqual(reported.before - 1_000);
    expect(Number(reported.lastUsed)).toBeLessThanOrEqual(reported.after + 1_000);
  });

  it('counts authentication failures by reason in the metrics', async () => {
    await get('/api/v1/apitokens/verify');
    const metrics = await gateway.metrics.registry.metrics();
    expect(metrics).toMatch(/gateway_auth_failures_total\{reason="missing",service="gateway"\} [1-9]/);
    expect(metrics).toMatch(/gateway_rate_limit_decisions_total\{policy="per-token",decision="allowed",limiter="redis",service="gateway"\} [1-9]/);
    expect(metrics).toMatch(/gateway_rate_limiter_degraded\{service="gateway"\} 0/);
  });
});
