import type { RateLimitDecision } from './rate-limit-policy';

/**
 * Drives a limiter with a fake clock through bursts, pauses and window edges, and checks every
 * decision against the definition: a request at `t` is admitted exactly when fewer than `limit`
 * requests were admitted in (t − window, t]. Returns the admission times for further checks.
 */
export async function checkAgainstDefinition(
  take: (now: number) => Promise<RateLimitDecision> | RateLimitDecision,
  { limit, windowMs, steps, seed }: { limit: number; windowMs: number; steps: number; seed: number },
): Promise<number[]> {
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
      r < 0.5 ? 0 : r < 0.985 ? Math.floor(random() * 20) : r < 0.995 ? Math.floor((random() * windowMs) / 4) : windowMs - 1 + Math.floor(random() * 3);
    const inWindow = admitted.filter((t) => t > now - windowMs).length;
    const decision = await take(now);
    const expected = inWindow < limit;
    if (decision.allowed !== expected) {
      throw new Error(`step ${step} at ${now}: ${inWindow} admitted in the window, limiter said allowed=${decision.allowed}`);
    }
    if (decision.allowed) {
      admitted.push(now);
      if (decision.remaining !== limit - inWindow - 1) throw new Error(`step ${step}: remaining ${decision.remaining}, expected ${limit - inWindow - 1}`);
    } else {
      const oldest = admitted.filter((t) => t > now - windowMs)[0];
      if (decision.retryAfterMs !== oldest + windowMs - now) throw new Error(`step ${step}: retry after ${decision.retryAfterMs}`);
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
