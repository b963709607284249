import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type { Cluster, Redis } from 'ioredis';
import { eventually } from '@warden/testing';
import {
  bootstrapToken,
  redisReady,
  startGateway,
  startOwnRedis,
  startTokenService,
  type GatewayHarness,
  type TokenServiceHarness,
} from '../test/gateway-harness';

const LIST = '/api/v1/apitokens?limit=1';

async function disconnected(redis: Redis | Cluster): Promise<void> {
  expect(await eventually(() => redis.status, (status) => status !== 'ready')).not.toBe('ready');
}

describe('Redis outage: per-replica limits, every request verified, nothing trusted from before', () => {
  const dir = mkdtempSync(join(tmpdir(), 'warden-outage-'));
  let redis: Awaited<ReturnType<typeof startOwnRedis>>;
  let tokens: TokenServiceHarness;
  let active: GatewayHarness;
  let idle: GatewayHarness;
  let admin: { secret: string };

  beforeAll(async () => {
    redis = await startOwnRedis(dir);
    tokens = await startTokenService({ redisUrl: redis.url });
    // A window wide enough that the six requests counted in it fit on a loaded machine.
    const env = { REDIS_URL: redis.url, RATE_LIMIT_PER_TOKEN: '5', RATE_LIMIT_WINDOW_SECONDS: '60' };
    active = await startGateway(tokens.url, env);
    idle = await startGateway(tokens.url, env);
    admin = await bootstrapToken(tokens.url, { rateLimit: { limit: 1000, windowSeconds: 60 } });
  });
  afterAll(async () => {
    await active?.close();
    await idle?.close();
    await tokens?.close();
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  // `rateLimit: null`: the gateway's default quota (left out, a token would inherit the admin's own).
  const create = async () => {
    const response = await request(active.url).post('/api/v1/apitokens').set('Authorization', `Bearer ${admin.secret}`).send({ name: 'o', scopes: ['tokens:read'], rateLimit: null });
    expect(response.status).toBe(201);
    return { id: response.body.data.id as string, secret: response.body.data.token as string };
  };
  const list = (gateway: GatewayHarness, secret: string) => request(gateway.url).get(LIST).set('Authorization', `Bearer ${secret}`);

  it('keeps serving, limits in memory, verifies every request, reports degraded, and recovers', async () => {
    const user = await create();
    const victim = await create();
    for (const gateway of [active, idle]) {
      for (const token of [user, victim, admin]) expect((await list(gateway, token.secret)).status).toBe(200);
    }
    // The operations server names each check; the public port answers only ready or not.
    const ready = await request(active.adminUrl).get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.checks).toEqual({ tokenService: 'ok', rateLimiter: 'ok' });

    await redis.stop();
    await disconnected(active.redis);
    await disconnected(idle.redis);

    // Served, every request verified by the token service, limited per replica in memory.
    const calls = tokens.verifyCalls();
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const response = await list(active, user.secret);
      statuses.push(response.status);
      expect(response.headers['ratelimit-policy']).toBe('"per-token";q=5;w=60');
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    expect(tokens.verifyCalls() - calls).toBe(6);

    const degraded = await request(active.adminUrl).get('/readyz');
    expect(degraded.status).toBe(200);
    expect(degraded.body.checks).toEqual({ tokenService: 'ok', rateLimiter: 'degraded' });
    const publicReadiness = await request(active.url).get('/readyz');
    expect([publicReadiness.status, publicReadiness.body]).toEqual([200, { status: 'ready' }]);
    const metrics = await active.metrics.registry.metrics();
    expect(metrics).toMatch(/gateway_rate_limiter_degraded\{service="gateway"\} 1/);
    expect(metrics).toMatch(/gateway_rate_limit_decisions_total\{policy="per-token",decision="refused",limiter="memory",service="gateway"\} 1/);

    // A revoke while Redis is down cannot be announced through it: the answer says so (503), and
    // MongoDB still has the truth.
    const revoke = await request(active.url).delete(`/api/v1/apitokens/${victim.id}`).set('Authorization', `Bearer ${admin.secret}`);
    expect([revoke.status, revoke.headers['retry-after']]).toEqual([503, '5']);
    expect((await list(active, victim.secret)).status).toBe(401);

    // Redis comes back with its data, the victim's version key unchanged. The idle replica, which
    // had the victim cached and saw no request during the outage, must not trust that entry.
    await redis.start();
    await Promise.all([redisReady(active.redis), redisReady(idle.redis)]);
    expect((await list(idle, victim.secret)).status).toBe(401);
    expect((await list(idle, user.secret)).status).toBe(200);

    // The replica retries Redis at most once a second after a failure: wait until it reports Redis back.
    const readiness = async () => (await request(active.adminUrl).get('/readyz')).body.checks;
    expect(await eventually(readiness, (checks) => checks.rateLimiter === 'ok')).toEqual({ tokenService: 'ok', rateLimiter: 'ok' });
    expect((await list(active, user.secret)).status).toBe(200);
    expect(await active.metrics.registry.metrics()).toMatch(/gateway_rate_limiter_degraded\{service="gateway"\} 0/);
    const beforeCached = tokens.verifyCalls();
    expect((await list(active, user.secret)).status).toBe(200);
    expect(tokens.verifyCalls()).toBe(beforeCached); // cached again
  });
});
