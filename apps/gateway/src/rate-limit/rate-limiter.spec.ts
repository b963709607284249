import { Redis } from 'ioredis';
import { createLogger } from '@warden/config';
import { GatewayRateLimiter } from './rate-limiter';
import { rateLimitPolicy } from './rate-limit-policy';

describe('in-memory fallback for a token and its account (while Redis is unavailable)', () => {
  let clock = 1_700_000_000_000;
  // Never connected: the limiter is degraded from the start and decides in memory.
  const redis = new Redis({ lazyConnect: true });
  const limiter = new GatewayRateLimiter({
    redis,
    keyPrefix: 'unused:',
    defaultAccountPolicy: rateLimitPolicy('per-account', 1_000, 60),
    logger: createLogger({ name: 'test', level: 'silent' }),
    onDegraded: () => undefined,
    now: () => clock,
  });
  const token = (tokenId: string, tokenLimit: number, accountLimit: number) => ({
    tokenId,
    authVersion: '1',
    versionKey: 'v',
    rateKey: 'r',
    policy: rateLimitPolicy('per-token', tokenLimit, 60),
    accountId: 'shared-account',
    account: { rateKey: 'ra', limitKey: 'la', lastUsedKey: 'lu', revision: '0', policy: rateLimitPolicy('per-account', accountLimit, 60) },
  });
  afterAll(() => redis.disconnect());

  it('admits only while both quotas have room, counts in both, and names the account when it is the tighter one', async () => {
    expect((await limiter.token(token('a', 10, 3), true)).kind).toBe('unavailable');
    const decisions = [limiter.tokenInMemory(token('a', 10, 3), true), limiter.tokenInMemory(token('b', 10, 3), true), limiter.tokenInMemory(token('a', 10, 3), true)];
    expect(decisions.map(({ decision, account }) => [decision.allowed, decision.remaining, account])).toEqual([
      [true, 2, { limit: 3, windowSeconds: 60 }],
      [true, 1, { limit: 3, windowSeconds: 60 }],
      [true, 0, { limit: 3, windowSeconds: 60 }],
    ]);
    const refused = limiter.tokenInMemory(token('b', 10, 3), true);
    expect(refused).toMatchObject({ decision: { allowed: false }, account: { limit: 3 } });
    clock += 61_000;
    const narrow = [1, 2].map(() => limiter.tokenInMemory(token('c', 1, 3), true));
    expect(narrow.map(({ decision, account }) => [decision.allowed, account])).toEqual([
      [true, null],
      [false, null],
    ]);
    // The refusal by token c's own quota spent nothing of the account's: two left of three.
    expect(limiter.tokenInMemory(token('d', 10, 3), false).decision.remaining).toBe(2);
  });
});
