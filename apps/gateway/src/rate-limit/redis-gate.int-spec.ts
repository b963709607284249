import { Redis } from 'ioredis';
import { testInfra, uniqueName } from '@warden/testing';
import { RedisGate } from './redis-gate';
import { rateLimitPolicy, WINDOW_BUCKETS } from './rate-limit-policy';
import { checkAgainstDefinition, maxInAnyWindow } from './sliding-window.reference';

describe('Redis gate script', () => {
  let redis: Redis;
  let clock = 0;
  let gate: RedisGate;
  const prefix = uniqueName('gate');

  beforeAll(() => {
    redis = new Redis(testInfra().redisUrl);
    gate = new RedisGate(redis, `${prefix}:last-used`, () => clock);
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it.each([
    [5, 2_000, 11],
    [60, 60_000, 12],
  ])('admits exactly what the bucketed sliding-window definition admits (limit %d per %d ms), never more in any window', async (limit, windowMs, seed) => {
    const policy = rateLimitPolicy('per-ip', limit, windowMs / 1000);
    const key = `${prefix}:ip:${seed}`;
    const admitted = await checkAgainstDefinition(
      (now) => {
        clock = now;
        return gate.ip(key, policy, true);
      },
      { limit, windowMs, steps: 1_500, seed },
    );
    expect(maxInAnyWindow(admitted, windowMs)).toBeLessThanOrEqual(limit);
    expect(admitted.length).toBeGreaterThan(limit * 2);
  });

  it('checks the token version, reports revocation, counts and records last use in one call', async () => {
    const versionKey = `${prefix}:tokver:t1`;
    const request = { versionKey, rateKey: `${prefix}:tok:t1`, version: '3', tokenId: 't1', policy: rateLimitPolicy('per-token', 2, 60), consume: true };
    clock = 1_700_000_001_000; // the start of a 3 s bucket: the first admission counts for 63 s at most
    expect(await gate.token(request)).toEqual({ kind: 'stale' }); // no version key yet
    await redis.set(versionKey, '3');
    expect(await gate.token(request)).toEqual({ kind: 'decision', decision: { allowed: true, remaining: 1, resetMs: 63_000, retryAfterMs: 0 } });
    expect(await redis.hget(`${prefix}:last-used`, 't1')).toBe(String(clock));
    clock += 1_000;
    expect(await gate.token({ ...request, consume: false })).toEqual({ kind: 'decision', decision: { allowed: true, remaining: 1, resetMs: 62_000, retryAfterMs: 0 } });
    await gate.token(request);
    expect(await gate.token(request)).toEqual({ kind: 'decision', decision: { allowed: false, remaining: 0, resetMs: 62_000, retryAfterMs: 62_000 } });
    await redis.set(versionKey, '4');
    expect(await gate.token(request)).toEqual({ kind: 'stale' });
    await redis.set(versionKey, 'revoked');
    expect(await gate.token(request)).toEqual({ kind: 'revoked' });
  });

  it('uses the Redis server clock when no clock is given', async () => {
    const serverClockGate = new RedisGate(redis, `${prefix}:last-used`);
    const [seconds] = await redis.time();
    const decision = await serverClockGate.ip(`${prefix}:ip:server-clock`, rateLimitPolicy('per-ip', 1, 5), true);
    expect(decision).toMatchObject({ allowed: true, remaining: 0 });
    // Counted for more than the window and at most one bucket (250 ms) longer.
    expect(decision.resetMs).toBeGreaterThan(5_000);
    expect(decision.resetMs).toBeLessThanOrEqual(5_250);
    const refused = await serverClockGate.ip(`${prefix}:ip:server-clock`, rateLimitPolicy('per-ip', 1, 5), true);
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterMs).toBeGreaterThan(4_000);
    expect(Number(seconds)).toBeGreaterThan(1_700_000_000);
  });

  it('keeps a fixed number of fields per key, whatever the limit, after thousands of admissions', async () => {
    // 100 000 a day: the sliding log kept one member per admission (5 000 here); the buckets keep at most 21.
    const policy = rateLimitPolicy('per-token', 100_000, 86_400);
    const key = `${prefix}:tok:memory`;
    clock = 1_700_000_000_000;
    const sizes = new Set<number>();
    for (let i = 0; i < 5_000; i++) {
      clock += 37_000; // 5 000 admissions spread over a bit more than two days
      expect((await gate.ip(key, policy, true)).allowed).toBe(true);
      if (i % 250 === 0) sizes.add(await redis.hlen(key));
    }
    expect(Math.max(...sizes)).toBeLessThanOrEqual(WINDOW_BUCKETS + 1);
    expect(await redis.hlen(key)).toBeLessThanOrEqual(WINDOW_BUCKETS + 1);
    expect(await redis.type(key)).toBe('hash');
    // A small listpack: a few hundred bytes, not one entry per admission.
    expect(Number(await redis.call('MEMORY', 'USAGE', key))).toBeLessThan(512);
    // It expires once its newest bucket stops counting (at most a window and a bucket).
    expect(await redis.pttl(key)).toBeLessThanOrEqual(86_400_000 + 86_400_000 / WINDOW_BUCKETS);
  });
});
