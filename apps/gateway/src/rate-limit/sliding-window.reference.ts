import { WINDOW_BUCKETS, type RateLimitDecision } from './rate-limit-policy';

/**
 * Drives a limiter with a fake clock through bursts, pauses and window and bucket edges, and checks
 * every decision against the definition of the bucketed sliding window (`redis-gate.ts`): with
 * buckets of `window / WINDOW_BUCKETS`, a request at `t` is admitted exactly when fewer than `limit`
 * requests were admitted since the start of the bucket that holds `t − window`. A refused request's
 * wait is the first bucket edge at which that count drops below `limit`. Returns the admission times.
 */
export async function checkAgainstDefinition(
  take: (now: number) => Promise<RateLimitDecision> | RateLimitDecision,
  { limit, windowMs, steps, seed }: { limit: number; windowMs: number; steps: number; seed: number },
): Promise<number[]> {
  const bucketMs = windowMs / WINDOW_BUCKETS;
  const countedFrom = (t: number) => Math.floor((t - windowMs) / bucketMs) * bucketMs;
  let state = seed;
  const random = () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
  const admitted: number[] = [];
  let now = 1_700_000_000_000;
  for (let step = 0; step < steps; step++) {
    const r = random();
    // Mostly bursts (same millisecond or a few ms apart), sometimes a jump to just before or after an edge.
    now +=
      r < 0.5
        ? 0
        : r < 0.97
          ? Math.floor(random() * 20)
          : r < 0.985
            ? bucketMs - (now % bucketMs) - 1 + Math.floor(random() * 3)
            : r < 0.995
              ? Math.floor((random() * windowMs) / 4)
              : windowMs - 1 + Math.floor(random() * 3);
    const counted = admitted.filter((t) => t >= countedFrom(now)).length;
    const decision = await take(now);
    const expected = counted < limit;
    if (decision.allowed !== expected) {
      throw new Error(`step ${step} at ${now}: ${counted} admitted since ${countedFrom(now)}, limiter said allowed=${decision.allowed}`);
    }
    if (decision.allowed) {
      admitted.push(now);
      if (decision.remaining !== limit - counted - 1) throw new Error(`step ${step}: remaining ${decision.remaining}, expected ${limit - counted - 1}`);
    } else {
      let edge = (Math.floor(now / bucketMs) + 1) * bucketMs;
      while (admitted.filter((t) => t >= countedFrom(edge)).length >= limit) edge += bucketMs;
      if (decision.retryAfterMs !== edge - now) throw new Error(`step ${step}: retry after ${decision.retryAfterMs}, expected ${edge - now}`);
    }
  }
  return admitted;
}

/** The largest number of admissions inside any window of `windowMs` (every window starts just after some admission's predecessor). */
export function maxInAnyWindow(admitted: number[], windowMs: number): number {
  let max = 0;
  let start = 0;
  for (let end = 0; end < admitted.length; end++) {
    while (admitted[end] - admitted[start] >= windowMs) start++;
    max = Math.max(max, end - start + 1);
  }
  return max;
}
