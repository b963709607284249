import type { RateLimitDecision, RateLimitPolicy } from './rate-limit-policy';

export interface MemoryRateLimiterOptions {
  /** Keys kept at most; the least recently used go first. */
  maxKeys?: number;
  /** Milliseconds; injectable so a test can drive time. */
  now?: () => number;
}

/**
 * The same sliding window over sub-window buckets as the Redis script (`redis-gate.ts`, with the
 * exact guarantee), per replica: the fallback while Redis is unreachable. Each key keeps at most
 * `WINDOW_BUCKETS + 1` counters (bucket index → admissions), whatever the limit.
 */
export class MemoryRateLimiter {
  private readonly windows = new Map<string, Map<number, number>>();
  private readonly maxKeys: number;
  private readonly now: () => number;

  constructor(options: MemoryRateLimiterOptions = {}) {
    this.maxKeys = options.maxKeys ?? 100_000;
    this.now = options.now ?? Date.now;
  }

  /** Counts the request (when `consume`) and says whether it fits the policy. */
  take(key: string, policy: RateLimitPolicy, consume = true): RateLimitDecision {
    const now = this.now();
    const bucket = policy.bucketMs;
    const span = Math.ceil((policy.windowSeconds * 1000) / bucket);
    const current = Math.floor(now / bucket);
    const oldest = current - span;
    const stored = this.windows.get(key);
    const counts = new Map<number, number>();
    let total = 0;
    if (stored) {
      this.windows.delete(key); // re-inserted below: Map order doubles as the LRU order
      for (const [stamp, count] of stored) {
        if (stamp < oldest) continue;
        // A bucket from ahead of this clock (a clock that stepped back) counts as the current one.
        const index = Math.min(stamp, current);
        counts.set(index, (counts.get(index) ?? 0) + count);
        total += count;
      }
    }
    let first: number | undefined;
    for (let index = oldest; index <= current && total > 0; index++) {
      if (counts.has(index)) {
        first = index;
        break;
      }
    }
    const stopsCounting = (index: number) => (index + span + 1) * bucket - now;
    let decision: RateLimitDecision;
    if (total < policy.limit) {
      if (consume) {
        counts.set(current, (counts.get(current) ?? 0) + 1);
        total++;
        first ??= current;
      }
      decision = { allowed: true, remaining: policy.limit - total, resetMs: first === undefined ? 0 : stopsCounting(first), retryAfterMs: 0 };
    } else {
      // Admitted again once enough of the oldest buckets have stopped counting (a lowered limit may need several).
      let left = total;
      let freeing = current;
      for (let index = oldest; index <= current; index++) {
        left -= counts.get(index) ?? 0;
        if (left < policy.limit) {
          freeing = index;
          break;
        }
      }
      decision = { allowed: false, remaining: 0, resetMs: stopsCounting(first ?? current), retryAfterMs: stopsCounting(freeing) };
    }
    if (counts.size > 0) {
      this.windows.set(key, counts);
      if (this.windows.size > this.maxKeys) this.windows.delete(this.windows.keys().next().value as string);
    }
    return decision;
  }

  clear(): void {
    this.windows.clear();
  }
}
