import { MemoryRateLimiter } from './memory-rate-limiter';
import { rateLimitPolicy } from './rate-limit-policy';
import { checkAgainstDefinition, maxInAnyWindow } from './sliding-log.reference';

describe('in-memory sliding-log limiter', () => {
  it.each([
    [5, 2_000, 1],
    [60, 60_000, 2],
    [1, 1_000, 3],
  ])('admits exactly what the definition admits (limit %d per %d ms) and never more than the limit in any window', async (limit, windowMs, seed) => {
    let clock = 0;
    const limiter = new MemoryRateLimiter({ now: () => clock });
    const policy = rateLimitPolicy('per-token', limit, windowMs / 1000);
    const admitted = await checkAgainstDefinition(
      (now) => {
        clock = now;
        return limiter.take('k', policy);
      },
      { limit, windowMs, steps: 3_000, seed },
    );
    expect(admitted.length).toBeGreaterThan(limit * 3);
    expect(maxInAnyWindow(admitted, windowMs)).toBe(limit);
  });

  it('has no double burst at a window edge', () => {
    let clock = 0;
    const limiter = new MemoryRateLimiter({ now: () => clock });
    const policy = rateLimitPolicy('per-token', 60, 60);
    clock = 59_999;
    for (let i = 0; i < 60; i++) expect(limiter.take('k', policy).allowed).toBe(true);
    clock = 60_001; // a fixed window would have reset here
    expect(limiter.take('k', policy)).toEqual({ allowed: false, remaining: 0, resetMs: 59_998, retryAfterMs: 59_998 });
    clock = 119_999;
    expect(limiter.take('k', policy).allowed).toBe(true);
  });

  it('peeks without counting', () => {
    const limiter = new MemoryRateLimiter({ now: () => 0 });
    const policy = rateLimitPolicy('per-ip', 2, 60);
    expect(limiter.take('ip', policy, false).remaining).toBe(2);
    limiter.take('ip', policy);
    expect(limiter.take('ip', policy, false).remaining).toBe(1);
  });

  it('keeps a bounded number of keys, dropping the least recently used', () => {
    const limiter = new MemoryRateLimiter({ now: () => 0, maxKeys: 2 });
    const policy = rateLimitPolicy('per-ip', 1, 60);
    limiter.take('a', policy);
    limiter.take('b', policy);
    limiter.take('a', policy); // refused, but touched
    limiter.take('c', policy); // evicts b
    expect(limiter.take('a', policy).allowed).toBe(false);
    expect(limiter.take('b', policy).allowed).toBe(true);
  });
});
