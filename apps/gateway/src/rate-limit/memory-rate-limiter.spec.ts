import { MemoryRateLimiter } from './memory-rate-limiter';
import { rateLimitPolicy } from './rate-limit-policy';
import { checkAgainstDefinition, maxInAnyWindow } from './sliding-window.reference';

describe('in-memory sliding-window limiter (sub-window buckets)', () => {
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

  it('refuses the 61st request of a burst against 60 a minute, has no double burst at a window edge, and refuses at most one bucket early', () => {
    let clock = 0;
    const limiter = new MemoryRateLimiter({ now: () => clock });
    const policy = rateLimitPolicy('per-token', 60, 60);
    clock = 59_999; // the last millisecond of the bucket 57 000–59 999 (buckets of 3 s)
    for (let i = 0; i < 60; i++) expect(limiter.take('k', policy).allowed).toBe(true);
    expect(limiter.take('k', policy).allowed).toBe(false);
    clock = 60_001; // a fixed window would have reset here
    expect(limiter.take('k', policy)).toEqual({ allowed: false, remaining: 0, resetMs: 59_999, retryAfterMs: 59_999 });
    // An exact sliding log would admit at 119 999; the bucket is counted in full until it ends.
    clock = 119_999;
    expect(limiter.take('k', policy).allowed).toBe(false);
    clock = 120_000;
    expect(limiter.take('k', policy)).toMatchObject({ allowed: true, remaining: 59 });
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
