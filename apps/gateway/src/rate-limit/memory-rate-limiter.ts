import type { RateLimitDecision, RateLimitPolicy } from './rate-limit-policy';

export interface MemoryRateLimiterOptions {
  /** Keys kept at most; the least recently used go first. */
  maxKeys?: number;
  /** Milliseconds; injectable so a test can drive time. */
  now?: () => number;
}

/**
 * The same sliding-log algorithm as the Redis script, per replica: the fallback while Redis is
 * unreachable. Each key keeps the admission times still inside its window, oldest first.
 */
export class MemoryRateLimiter {
  private readonly logs = new Map<string, number[]>();
  private readonly maxKeys: number;
  private readonly now: () => number;

  constructor(options: MemoryRateLimiterOptions = {}) {
    this.maxKeys = options.maxKeys ?? 100_000;
    this.now = options.now ?? Date.now;
  }

  /** Counts the request (when `consume`) and says whether it fits the policy. */
  take(key: string, policy: RateLimitPolicy, consume = true): RateLimitDecision {
    const now = this.now();
    const windowMs = policy.windowSeconds * 1000;
    let log = this.logs.get(key);
    if (log) {
      this.logs.delete(key); // re-inserted below: Map order doubles as the LRU order
      let expired = 0;
      while (expired < log.length && log[expired] <= now - windowMs) expired++;
      if (expired > 0) log.splice(0, expired);
    } else {
      log = [];
    }
    let decision: RateLimitDecision;
    if (log.length < policy.limit) {
      if (consume) log.push(now);
      decision = { allowed: true, remaining: policy.limit - log.length, resetMs: log.length ? log[0] + windowMs - now : 0, retryAfterMs: 0 };
    } else {
      // With a lowered limit more than `limit` entries may be counted: wait until enough have left.
      const wait = log[log.length - policy.limit] + windowMs - now;
      decision = { allowed: false, remaining: 0, resetMs: log[0] + windowMs - now, retryAfterMs: wait };
    }
    if (log.length > 0) {
      this.logs.set(key, log);
      if (this.logs.size > this.maxKeys) this.logs.delete(this.logs.keys().next().value as string);
    }
    return decision;
  }

  clear(): void {
    this.logs.clear();
  }
}
