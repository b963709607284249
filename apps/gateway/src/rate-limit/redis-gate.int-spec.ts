import { Redis } from 'ioredis';
import { testInfra, uniqueName } from '@warden/testing';
import { RedisGate } from './redis-gate';
import { rateLimitPolicy } from './rate-limit-policy';
import { checkAgainstDefinition, maxInAnyWindow } from './sliding-log.reference';

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
  ])('admits exactly what the sliding-log definition admits (limit %d per %d ms), never more in any window', async (limit, windowMs, seed) => {
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
    clock = 1_700_000_000_000;
    expect(await gate.token(request)).toEqual({ kind: 'stale' }); // no version key yet
    await redis.set(versionKey, '3');
    expect(await gate.token(request)).toEqual({ kind: 'decision', decision: { allowed: true, remaining: 1, resetMs: 60_000, retryAfterMs: 0 } });
    expect(await redis.hget(`${prefix}:last-used`, 't1')).toBe(String(clock));
    clock += 1_000;
    expect(await gate.token({ ...request, consume: false })).toEqual({ kind: 'decision', decision: { allowed: true, remaining: 1, resetMs: 59_000, retryAfterMs: 0 } });
    await gate.token(request);
    expect(await gate.token(request)).toEqual({ kind: 'decision', decision: { allowed: false, remaining: 0, resetMs: 59_000, retryAfterMs: 59_000 } });
    await redis.set(versionKey, '4');
    expect(await gate.token(request)).toEqual({ kind: 'stale' });
    await redis.set(versionKey, 'revoked');
    expect(await gate.token(request)).toEqual({ kind: 'revoked' });
  });

  it('uses the Redis server clock when no clock is given', async () => {
    const serverClockGate = new RedisGate(redis, `${prefix}:last-used`);
    const [seconds] = await redis.time();
    const decision = await serverClockGate.ip(`${prefix}:ip:server-clock`, rateLimitPolicy('per-ip', 1, 5), true);
    expect(decision).toMatchObject({ allowed: true, remaining: 0, resetMs: 5_000 });
    const refused = await serverClockGate.ip(`${prefix}:ip:server-clock`, rateLimitPolicy('per-ip', 1, 5), true);
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterMs).toBeGreaterThan(4_000);
    expect(Number(seconds)).toBeGreaterThan(1_700_000_000);
  });
});
