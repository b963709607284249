import request from 'supertest';
import { generateTokenSecret } from '@warden/api-token';
import { uniqueName } from '@warden/testing';
import { bootstrapToken, client, startGateway, startTokenService, type GatewayHarness, type TokenServiceHarness } from '../test/gateway-harness';
import { WINDOW_BUCKETS } from './rate-limit-policy';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The seconds of a `RateLimit` header value (`"per-token";r=4;t=59` → 59). */
const resetSeconds = (header: string) => Number(/;t=(\d+)$/.exec(header)?.[1]);

// The quotas run on Redis's clock, which a test cannot drive: windows are wide enough that the
// requests a test counts within one window fit in it however loaded the machine is, and the tests
// that watch a window pass wait for it (on the time the gateway names) rather than for a fixed sleep.
// An admission counts for more than the window and at most one bucket (1/WINDOW_BUCKETS) longer,
// so the seconds the gateway names lie between the window and the window plus one bucket.
const upTo = (windowSeconds: number) => Math.ceil(windowSeconds * (1 + 1 / WINDOW_BUCKETS));
describe('rate limits through the gateway (5 per 60 s per token, 3 per 60 s per IP)', () => {
  let tokens: TokenServiceHarness;
  let replicaA: GatewayHarness;
  let replicaB: GatewayHarness;
  let admin: { secret: string };
  const env = () => ({
    RATE_LIMIT_PER_TOKEN: '5',
    RATE_LIMIT_WINDOW_SECONDS: '60',
    RATE_LIMIT_PER_IP: '3',
    RATE_LIMIT_IP_WINDOW_SECONDS: '60',
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
    // A window of its own, 10 s: six requests fit in it on any machine, and the test waits it out.
    const secret = await newToken({ rateLimit: { limit: 5, windowSeconds: 10 } });
    const firstSent = Date.now();
    for (let i = 0; i < 5; i++) {
      const response = await verify(replicaA.url, secret);
      const elapsed = Math.ceil((Date.now() - firstSent) / 1000);
      expect(response.status).toBe(200);
      expect(response.headers['ratelimit-policy']).toBe('"per-token";q=5;w=10');
      expect(response.headers['ratelimit']).toMatch(new RegExp(`^"per-token";r=${4 - i};t=\\d+$`));
      // Seconds until the first admission stops counting: at most the window and a bucket, less what has passed since.
      expect(resetSeconds(response.headers['ratelimit'])).toBeLessThanOrEqual(upTo(10));
      expect(resetSeconds(response.headers['ratelimit'])).toBeGreaterThanOrEqual(10 - elapsed);
    }
    const refused = await verify(replicaA.url, secret);
    const elapsed = Math.ceil((Date.now() - firstSent) / 1000);
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
    expect(refused.headers['ratelimit-policy']).toBe('"per-token";q=5;w=10');
    expect(refused.headers['ratelimit']).toMatch(/^"per-token";r=0;t=\d+$/);
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeLessThanOrEqual(upTo(10));
    expect(retryAfter).toBeGreaterThanOrEqual(Math.max(1, 10 - elapsed));
    // Retry-After is honest: once that many seconds have passed, the token is admitted again.
    await sleep(retryAfter * 1000);
    expect((await verify(replicaA.url, secret)).status).toBe(200);
  });

  it("applies a token's own rateLimit instead of the default", async () => {
    const secret = await newToken({ rateLimit: { limit: 2, windowSeconds: 60 } });
    const first = await verify(replicaA.url, secret);
    expect([first.status, first.headers['ratelimit-policy']]).toEqual([200, '"per-token";q=2;w=60']);
    expect((await verify(replicaA.url, secret)).status).toBe(200);
    expect((await verify(replicaA.url, secret)).status).toBe(429);
  });

  it('shares one budget between two gateway replicas', async () => {
    // The default quota (left out, the token would inherit the admin's own).
    const secret = await newToken({ rateLimit: null });
    const responses = [];
    for (let i = 0; i < 10; i++) responses.push(await verify(i % 2 ? replicaB.url : replicaA.url, secret));
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 200, 200, 429, 429, 429, 429, 429]);
    expect(new Set(responses.map((response) => response.headers['ratelimit-policy']))).toEqual(new Set(['"per-token";q=5;w=60']));
  });

  it('never admits more than the limit in any 2 s window under a continuous stream across both replicas', async () => {
    const secret = await newToken({ rateLimit: { limit: 5, windowSeconds: 2 } });
    // Each admission happened between its request's send and its response's arrival.
    const admitted: { sent: number; received: number }[] = [];
    // Until the stream has crossed at least two windows' worth of admissions, however slow the machine.
    const deadline = Date.now() + 60_000;
    for (let i = 0; admitted.length < 11 && Date.now() < deadline; i++) {
      const sent = Date.now();
      const response = await verify(i % 2 ? replicaB.url : replicaA.url, secret);
      if (response.status === 200) admitted.push({ sent, received: Date.now() });
      await sleep(15);
    }
    expect(admitted.length).toBeGreaterThanOrEqual(11);
    // The 6th admission after any admission comes more than one window later: even the latest it
    // can have happened is more than 2 s after the earliest the first one can have happened.
    const gaps = admitted.slice(5).map((sixth, i) => sixth.received - admitted[i].sent);
    expect(gaps.filter((gap) => gap <= 2_000)).toEqual([]);
  });

  it('the 61st request of a burst against 60 a minute is refused', async () => {
    const secret = await newToken({ rateLimit: { limit: 60, windowSeconds: 60 } });
    const burst = client(replicaA.url);
    try {
      // All at once, on 16 keep-alive connections: the window does not refill during a burst.
      const responses = await Promise.all(Array.from({ length: 61 }, () => burst.call('GET', '/api/v1/apitokens/verify', secret)));
      const statuses = responses.map((response) => response.status).sort();
      expect(statuses).toEqual([...Array(60).fill(200), 429]);
      const refused = responses.find((response) => response.status === 429);
      expect(refused?.headers['ratelimit-policy']).toBe('"per-token";q=60;w=60');
      expect(refused?.body).toMatchObject({ type: 'https://httpstatuses.com/429', title: 'Too Many Requests', status: 429, detail: 'Too Many Attempts.' });
      expect(Number(refused?.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      // And the next one, on the other replica, is refused too.
      expect((await verify(replicaB.url, secret)).status).toBe(429);
    } finally {
      await burst.close();
    }
  });

  it("keeps a fixed number of Redis fields for a token's quota after thousands of admissions", async () => {
    // 100 000 a day: the sliding log kept one sorted-set member per admission.
    const busy = await bootstrapToken(tokens.url, { rateLimit: { limit: 100_000, windowSeconds: 86_400 } });
    const load = client(replicaA.url);
    try {
      for (let round = 0; round < 20; round++) {
        const responses = await Promise.all(Array.from({ length: 100 }, () => load.call('GET', '/api/v1/apitokens/verify', busy.secret)));
        expect(new Set(responses.map((response) => response.status))).toEqual(new Set([200]));
      }
    } finally {
      await load.close();
    }
    const key = `${replicaA.config.RATE_LIMIT_KEY_PREFIX}win:tok:{${busy.accountId}}:${busy.id}`;
    expect(await replicaA.redis.type(key)).toBe('hash');
    const counts = (await replicaA.redis.hvals(key)).map(Number);
    expect(counts.reduce((sum, count) => sum + count, 0)).toBe(2_000);
    expect(counts.length).toBeLessThanOrEqual(WINDOW_BUCKETS + 1);
    expect(Number(await replicaA.redis.call('MEMORY', 'USAGE', key))).toBeLessThan(512);
    expect((await verify(replicaA.url, busy.secret)).headers['ratelimit']).toMatch(/^"per-token";r=97999;t=\d+$/);
  });

  it('limits requests without a valid token per client IP, failed authentication included', async () => {
    const ipGateway = await startGateway(tokens.url, env());
    try {
      const verified = () => request(ipGateway.url).get('/api/v1/apitokens/verify').set('Authorization', `Bearer ${admin.secret}`);
      expect((await verified()).status).toBe(200);
      const firstSent = Date.now();
      const responses = [];
      for (const secret of [undefined, 'Bearer nope', `Bearer ${generateTokenSecret()}`, undefined, undefined]) {
        const test = request(ipGateway.url).get('/api/v1/apitokens');
        responses.push(await (secret ? test.set('Authorization', secret) : test));
      }
      const elapsed = Math.ceil((Date.now() - firstSent) / 1000);
      expect(responses.map((response) => response.status)).toEqual([401, 401, 401, 429, 429]);
      expect(responses.map((response) => response.headers['ratelimit-policy'])).toEqual(Array(5).fill('"per-ip";q=3;w=60'));
      expect(responses.map((response) => /;r=(\d+);/.exec(response.headers['ratelimit'])?.[1])).toEqual(['2', '1', '0', '0', '0']);
      expect(resetSeconds(responses[0].headers['ratelimit'])).toBeGreaterThan(60);
      expect(resetSeconds(responses[0].headers['ratelimit'])).toBeLessThanOrEqual(upTo(60));
      for (const response of responses.slice(1)) {
        expect(resetSeconds(response.headers['ratelimit'])).toBeLessThanOrEqual(upTo(60));
        expect(resetSeconds(response.headers['ratelimit'])).toBeGreaterThanOrEqual(60 - elapsed);
      }
      for (const refused of responses.slice(3)) {
        expect(refused.body).toMatchObject({ type: 'https://httpstatuses.com/429', title: 'Too Many Requests', status: 429, detail: 'Too Many Attempts.' });
        expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      }
      // A valid token is not held back by its IP's failures; another failure from that IP is 429,
      // a secret the token service has never seen included (it is asked, and says unknown).
      expect((await verified()).status).toBe(200);
      expect((await request(ipGateway.url).get('/api/v1/apitokens/verify').set('Authorization', `Bearer ${generateTokenSecret()}`)).status).toBe(429);
      const metrics = await ipGateway.metrics.registry.metrics();
      expect(metrics).toMatch(/gateway_rate_limit_decisions_total\{policy="per-ip",decision="refused",limiter="redis",service="gateway"\} 3/);
    } finally {
      await ipGateway.close();
    }
  });
});
