import type { Response } from 'express';

/**
 * Each window is cut into this many buckets; a key keeps one counter per bucket it counts (at most
 * `WINDOW_BUCKETS + 1`), whatever the limit. More buckets refuse less early near the window's edge
 * and cost a few more fields per key.
 */
export const WINDOW_BUCKETS = 20;

/**
 * A quota: at most `limit` requests in ANY window of `windowSeconds`, kept as a sliding window of
 * `WINDOW_BUCKETS` sub-window buckets (see `redis-gate.ts` for the exact guarantee), so there is no
 * double burst at a window edge. The header strings are built once per policy, not per request.
 */
export interface RateLimitPolicy {
  /**
   * `per-account`: every token of an account together; `per-ip`: failed requests per client IP;
   * `per-ip-verify`: the token service's verifications per client IP.
   */
  name: 'per-token' | 'per-account' | 'per-ip' | 'per-ip-verify';
  limit: number;
  windowSeconds: number;
  /** Width of one bucket: the window over `WINDOW_BUCKETS` (a whole number of ms: windows are whole seconds). */
  bucketMs: number;
  /** `RateLimit-Policy` value, e.g. `"per-token";q=60;w=60`. */
  readonly header: string;
  /** `"per-token";r=` : the `RateLimit` value's constant start. */
  readonly prefix: string;
  /** Script arguments, kept as strings so the hot path does not convert them per request. */
  readonly limitArg: string;
  readonly windowMsArg: string;
  readonly bucketMsArg: string;
}

export function rateLimitPolicy(name: RateLimitPolicy['name'], limit: number, windowSeconds: number): RateLimitPolicy {
  return {
    name,
    limit,
    windowSeconds,
    header: `"${name}";q=${limit};w=${windowSeconds}`,
    prefix: `"${name}";r=`,
    limitArg: String(limit),
    windowMsArg: String(windowSeconds * 1000),
    bucketMs: (windowSeconds * 1000) / WINDOW_BUCKETS,
    bucketMsArg: String((windowSeconds * 1000) / WINDOW_BUCKETS),
  };
}

/**
 * Policies by name, limit and window, built once each: the hot path looks a token's or account's
 * quota up instead of building its header strings per request. Bounded, since limits are data.
 */
export class RateLimitPolicies {
  private readonly built = new Map<string, RateLimitPolicy>();

  constructor(private readonly maxEntries = 1_000) {}

  get(name: RateLimitPolicy['name'], limit: number, windowSeconds: number): RateLimitPolicy {
    const key = `${name}/${limit}/${windowSeconds}`;
    let policy = this.built.get(key);
    if (!policy) {
      policy = rateLimitPolicy(name, limit, windowSeconds);
      if (this.built.size < this.maxEntries) this.built.set(key, policy);
    }
    return policy;
  }
}

/** One rate-limit decision, whichever limiter (Redis or the in-memory fallback) made it. */
export interface RateLimitDecision {
  allowed: boolean;
  remaining: number;
  /** Milliseconds until the oldest counted bucket stops counting (0 when nothing is counted). */
  resetMs: number;
  /** Milliseconds until a request would be admitted (0 when allowed). */
  retryAfterMs: number;
}

/** The IETF RateLimit header fields: `RateLimit-Policy` and `RateLimit` on every response. */
export function setRateLimitHeaders(res: Response, policy: RateLimitPolicy, decision: RateLimitDecision): void {
  res.setHeader('RateLimit-Policy', policy.header);
  res.setHeader('RateLimit', `${policy.prefix}${decision.remaining};t=${Math.ceil(decision.resetMs / 1000)}`);
}

/**
 * The headers of an authenticated request: the token's policy, and the account's beside it when
 * that is the tighter one (the IETF draft allows a list); `RateLimit` reports the tighter one.
 */
export function setTokenRateLimitHeaders(res: Response, token: RateLimitPolicy, account: RateLimitPolicy | null, decision: RateLimitDecision): void {
  if (!account) {
    setRateLimitHeaders(res, token, decision);
    return;
  }
  res.setHeader('RateLimit-Policy', `${token.header}, ${account.header}`);
  res.setHeader('RateLimit', `${account.prefix}${decision.remaining};t=${Math.ceil(decision.resetMs / 1000)}`);
}

/** `Retry-After` in whole seconds, never 0 for a refused request. */
export function retryAfterSeconds(decision: RateLimitDecision): number {
  return Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
}
