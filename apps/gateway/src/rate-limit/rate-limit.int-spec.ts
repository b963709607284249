import request from 'supertest';
import { generateTokenSecret } from '@warden/api-token';
import { uniqueName } from '@warden/testing';
import { bootstrapToken, startGateway, startTokenService, type GatewayHarness, type TokenServiceHarness } from '../test/gateway-harness';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('rate limits through the gateway (5 per 2 s per token, 3 per 2 s per IP)', () => {
  let tokens: TokenServiceHarness;
  let replicaA: GatewayHarness;
  let replicaB: GatewayHarness;
  let admin: { secret: string };
  const env = () => ({
    RATE_LIMIT_PER_TOKEN: '5',
    RATE_LIMIT_WINDOW_SECONDS: '2',
    RATE_LIMIT_PER_IP: '3',
    RATE_LIMIT_IP_WINDOW_SECONDS: '2',
  });

  beforeAll(async () => {
    tokens = await startTokenService();
    // Two replicas of one deployment: the same Redis and the same key prefix.
    const shared = { ...env(), RATE_LIMIT_KEY_PREFIX: `${uniqueName('rl')}:` };
    replicaA = await startGateway(tokens.url, shared);
    replicaB = await startGateway(tokens.url, shared);
    admin = await bootstrapToken(tokens.url, { rateLimit: { limit: 1000, windowSeconds: 60 } });
  });
  afterAll(async () => {
    await replicaA?.close();
    await replicaB?.close();
    await tokens?.close();
  });

  const newToken = async (body: Record<string, unknown> = {}) => {
    const response = await request(replicaA.url).post('/api/v1/apitokens').set('Authorization', `Bearer ${admin.secret}`).send({ name: 'limited', ...body });
    expect(response.status).toBe(201);
    return response.body.data.token as string;
  };
  const verify = (url: string, secret: string) => request(url).get('/api/v1/apitokens/verify').set('Authorization', `Bearer ${secret}`);

  it('admits the limit, answers the next one 429 with the documented body and headers, and admits again once the window has passed', async () => {
    const secret = await newToken();
    for (let i = 0; i < 5; i++) {
      const response = await verify(replicaA.url, secret);
      expect(response.status).toBe(200);
      expect(response.headers['ratelimit-policy']).toBe('"per-token";q=5;w=2');
      expect(response.headers['ratelimit']).toMatch(new RegExp(`^"per-token";r=${4 - i};t=[12]$`));
    }
    const refused = await verify(replicaA.url, secret);
    expect(refused.status).toBe(429);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.body).toMatchObject({
      type: 'https://httpstatuses.com/429',
      title: 'Too Many Requests',
      status: 429,
      detail: 'Too Many Attempts.',
      success: false,
      messages: ['Too Many Attempts.'],
    });
    expect(refused.headers['ratelimit-policy']).toBe('"per-token";q=5;w=2');
    expect(refused.headers['ratelimit']).toMatch(/^"per-token";r=0;t=[12]$/);
    const retryAfter = Number(refused.headers['retry-after']);
    expect([1, 2]).toContain(retryAfter);
    await sleep(retryAfter * 1000);
    expect((await verify(replicaA.url, secret)).status).toBe(200);
  });

  it("applies a token's own rateLimit instead of the default", async () => {
    const secret = await newToken({ rateLimit: { limit: 2, windowSeconds: 3 } });
    expect((await verify(replicaA.url, secret)).headers['ratelimit-policy']).toBe('"per-token";q=2;w=3');
    expect((await verify(replicaA.url, secret)).status).toBe(200);
    expect((await verify(replicaA.url, secret)).status).toBe(429);
  });

  it('shares one budget between two gateway replicas', async () => {
    const secret = await newToken();
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await verify(i % 2 ? replicaB.url : replicaA.url, secret)).status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(5);
    expect(statuses.slice(5)).toEqual([429, 429, 429, 429, 429]);
  });

  it('never admits more than the limit in any 2 s window under a continuous stream across both replicas', async () => {
    const secret = await newToken();
    // Each admission happened between its request's send and its response's arrival.
    const admitted: { sent: number; received: number }[] = [];
    const until = Date.now() + 3_500;
    let i = 0;
    while (Date.now() < until) {
      const sent = Date.now();
      const response = await verify(i++ % 2 ? replicaB.url : replicaA.url, secret);
      if (response.status === 200) admitted.push({ sent, received: Date.now() });
      await sleep(15);
    }
    expect(admitted.length).toBeGreaterThanOrEqual(5);
    for (let first = 0; first + 5 < admitted.length; first++) {
      // The 6th admission after any admission comes more than one window later: even the latest it
      // can have happened is more than 2 s after the earliest the first one can have happened.
      expect(admitted[first + 5].received - admitted[first].sent).toBeGreaterThan(2_000);
    }
  });

  it('limits requests without a valid token per client IP, failed authentication included', async () => {
    const ipGateway = await startGateway(tokens.url, env());
    try {
      const verified = () => request(ipGateway.url).get('/api/v1/apitokens/verify').set('Authorization', `Bearer ${admin.secret}`);
      expect((await verified()).status).toBe(200);
      const statuses: number[] = [];
      const headers: string[] = [];
      for (const secret of [undefined, 'Bearer nope', `Bearer ${generateTokenSecret()}`, undefined, undefined]) {
        const test = request(ipGateway.url).get('/api/v1/apitokens');
        const response = await (secret ? test.set('Authorization', secret) : test);
        statuses.push(response.status);
        headers.push(`${response.headers['ratelimit-policy']} ${response.headers['ratelimit']}`);
        if (response.status === 429) {
          expect(response.body).toMatchObject({ type: 'https://httpstatuses.com/429', title: 'Too Many Requests', status: 429, detail: 'Too Many Attempts.' });
          expect(Number(response.headers['retry-after'])).toBeGreaterThanOrEqual(1);
        }
      }
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
      expect(headers[0]).toMatch(/^"per-ip";q=3;w=2 "per-ip";r=2;t=2$/);
      expect(headers[3]).toMatch(/^"per-ip";q=3;w=2 "per-ip";r=0;t=[12]$/);
      // A token this replica has verified is not held back by its IP's failures (an unverified
      // secret from that IP waits: asking the token service is what the per-IP limit protects).
      expect((await verified()).status).toBe(200);
      expect((await request(ipGateway.url).get('/api/v1/apitokens/verify').set('Authorization', `Bearer ${generateTokenSecret()}`)).status).toBe(429);
      const metrics = await ipGateway.metrics.registry.metrics();
      expect(metrics).toMatch(/gateway_rate_limit_decisions_total\{policy="per-ip",decision="refused",limiter="redis",service="gateway"\} 3/);
    } finally {
      await ipGateway.close();
    }
  });
});
