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
  const defaultAccount = rateLimitPolicy('per-account', 1_000, 60);
  const account = (id: string, policy = defaultAccount, revision = '0') => ({
    rateKey: `${prefix}:acct:${id}`,
    limitKey: `${prefix}:acctlimit:${id}`,
    lastUsedKey: `${prefix}:last-used`,
    revision,
    policy,
  });

  beforeAll(() => {
    redis = new Redis(testInfra().redisUrl);
    gate = new RedisGate(redis, defaultAccount, () => clock);
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
    const request = {
      versionKey,
      rateKey: `${prefix}:tok:t1`,
      version: '3',
      tokenId: 't1',
      policy: rateLimitPolicy('per-token', 2, 60),
      account: account('a1'),
      consume: true,
    };
    clock = 1_700_000_001_000; // the start of a 3 s bucket: the first admission counts for 63 s at most
    expect(await gate.token(request)).toEqual({ kind: 'stale' }); // no version key yet
    await redis.set(versionKey, '3');
    expect(await gate.token(request)).toEqual({ kind: 'decision', decision: { allowed: true, remaining: 1, resetMs: 63_000, retryAfterMs: 0 }, account: null });
    expect(await redis.hget(`${prefix}:last-used`, 't1')).toBe(String(clock));
    clock += 1_000;
    expect(await gate.token({ ...request, consume: false })).toEqual({
      kind: 'decision',
      decision: { allowed: true, remaining: 1, resetMs: 62_000, retryAfterMs: 0 },
      account: null,
    });
    await gate.token(request);
    expect(await gate.token(request)).toEqual({
      kind: 'decision',
      decision: { allowed: false, remaining: 0, resetMs: 62_000, retryAfterMs: 62_000 },
      account: null,
    });
    await redis.set(versionKey, '4');
    expect(await gate.token(request)).toEqual({ kind: 'stale' });
    await redis.set(versionKey, 'revoked');
    expect(await gate.token(request)).toEqual({ kind: 'revoked' });
  });

  it('uses the Redis server clock when no clock is given', async () => {
    const serverClockGate = new RedisGate(redis, defaultAccount);
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

  describe("the account's quota, shared by all its tokens, in the same call", () => {
    const tokenRequest = (tokenId: string, accountQuota: ReturnType<typeof account>, limit = 100) => ({
      versionKey: `${prefix}:tokver:${tokenId}`,
      rateKey: `${prefix}:tok:${tokenId}`,
      version: '1',
      tokenId,
      policy: rateLimitPolicy('per-token', limit, 60),
      account: accountQuota,
      consume: true,
    });
    const admit = async (request: ReturnType<typeof tokenRequest>) => {
      const result = await gate.token(request);
      if (result.kind !== 'decision') throw new Error(`expected a decision, got ${result.kind}`);
      return result;
    };

    it('admits a request only if both quotas have room, counts it in both, and names the tighter one', async () => {
      clock = 1_700_000_100_000;
      const quota = account('shared', rateLimitPolicy('per-account', 5, 60));
      const [first, second] = [tokenRequest('shared-1', quota), tokenRequest('shared-2', quota)];
      await Promise.all([first, second].map((request) => redis.set(request.versionKey, '1')));
      const decisions = [];
      for (let i = 0; i < 6; i++) decisions.push(await admit(i % 2 === 0 ? first : second));
      // Five admitted across the two tokens, each with 100 of its own: the account's quota binds.
      expect(decisions.map((d) => d.decision.allowed)).toEqual([true, true, true, true, true, false]);
      expect(decisions.map((d) => d.decision.remaining)).toEqual([4, 3, 2, 1, 0, 0]);
      expect(decisions.every((d) => d.account !== null)).toBe(true);
      expect(decisions[5].account).toEqual({ limit: 5, windowSeconds: 60 });
      expect(decisions[5].decision.retryAfterMs).toBeGreaterThan(0);
      // A refused request counts nowhere: each token's own window holds what was admitted with it.
      expect(await redis.hvals(first.rateKey)).toEqual(['3']);
      expect(await redis.hvals(second.rateKey)).toEqual(['2']);
      expect(await redis.hvals(quota.rateKey)).toEqual(['5']);
    });

    it("names the token's quota while it is the tighter one, and a refusal by it counts nothing in the account's", async () => {
      clock = 1_700_000_200_000;
      const quota = account('roomy');
      const request = tokenRequest('narrow', quota, 2);
      await redis.set(request.versionKey, '1');
      const decisions = [await admit(request), await admit(request), await admit(request)];
      expect(decisions.map((d) => [d.decision.allowed, d.decision.remaining, d.account])).toEqual([
        [true, 1, null],
        [true, 0, null],
        [false, 0, null],
      ]);
      expect(await redis.hvals(quota.rateKey)).toEqual(['2']);
    });

    it("applies the operator's value in Redis over the verification's when it is at least as recent, and the default for `default`", async () => {
      clock = 1_700_000_300_000;
      const quota = account('operated', rateLimitPolicy('per-account', 100, 60), '4');
      const request = tokenRequest('operated-1', quota);
      await redis.set(request.versionKey, '1');
      await redis.set(quota.limitKey, '5:1:30');
      const limited = await admit(request);
      expect(limited.account).toEqual({ limit: 1, windowSeconds: 30 });
      expect(limited.decision).toMatchObject({ allowed: true, remaining: 0 });
      expect((await admit(request)).decision.allowed).toBe(false);
      // Older than what the verification read (the account changed since, e.g. re-enabled): ignored.
      await redis.set(quota.limitKey, '3:1:30');
      expect(await admit(request)).toMatchObject({ decision: { allowed: true, remaining: 98 }, account: null });
      // `default`: the gateway's default account quota (1 000 a minute), not the verification's 100.
      await redis.set(quota.limitKey, '4:default');
      expect(await admit(request)).toMatchObject({ decision: { allowed: true, remaining: 99 - 2 }, account: null });
      const tight = { ...request, policy: rateLimitPolicy('per-token', 10_000, 60) };
      expect(await admit(tight)).toMatchObject({ decision: { allowed: true, remaining: 1_000 - 4 }, account: { limit: 1_000, windowSeconds: 60 } });
    });
  });
});
