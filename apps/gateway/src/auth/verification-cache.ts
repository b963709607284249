import { createHash } from 'node:crypto';
import type { Scope } from '@warden/http';
import type { RateLimitPolicy } from '../rate-limit/rate-limit-policy';
import type { IpAllowlist } from './ip-allowlist';

/** What the token service vouched for, ready for the hot path (policies and allowlist pre-built). */
export interface VerifiedToken {
  tokenId: string;
  accountId: string;
  name: string;
  type: 'api' | 'service' | 'platform';
  scopes: Scope[];
  /** `allowedIps` as stored (the signed identity states them to services); `allowlist` is the compiled form. */
  allowedIps: string[];
  allowlist: IpAllowlist;
  /** Epoch ms or null. */
  expiresAt: number | null;
  /** `expiresAt` as the signed identity states it (ISO 8601), computed once per verification rather than per request. */
  expiresAtText: string | null;
  /** Set while an old secret is inside its rotation grace period: epoch ms it stops working. */
  secretExpiresAt: number | null;
  policy: RateLimitPolicy;
  /** The effective rate limit as the signed identity states it (the token's own, else the default), built once per verification. */
  rateLimit: { limit: number; windowSeconds: number };
  /**
   * The account's quota as the verification read it (its own, else the default) with the account's
   * revision then, and its Redis keys: every request counts in the account's window too.
   */
  account: {
    rateKey: string;
    limitKey: string;
    lastUsedKey: string;
    revision: string;
    policy: RateLimitPolicy;
  };
  /** Compared with the token's version key in Redis on every request. */
  authVersion: string;
  versionKey: string;
  rateKey: string;
}

/** The cache key: a SHA-256 of the secret, so the secret itself is never kept in memory longer than the request. */
export function secretCacheKey(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url');
}

/** Epoch ms until which the token may be used without asking the token service again. */
export function usableUntil(token: VerifiedToken): number {
  let until = Infinity;
  if (token.expiresAt !== null) until = Math.min(until, token.expiresAt);
  if (token.secretExpiresAt !== null) until = Math.min(until, token.secretExpiresAt);
  return until;
}

interface Entry {
  token: VerifiedToken;
  expires: number;
}

/**
 * A bounded LRU of verified tokens. An entry lives at most `ttlMs` and never past the token's
 * expiry or its old secret's grace; every use is still checked against the token's version in Redis.
 * `flush()` bumps a generation so that a verification started before a flush is not cached after it.
 */
export class VerificationCache {
  private readonly entries = new Map<string, Entry>();
  private generationCounter = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
  ) {}

  get generation(): number {
    return this.generationCounter;
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string, now: number): VerifiedToken | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expires <= now) {
      this.entries.delete(key);
      return undefined;
    }
    // Move to the back: Map order is the recency order.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.token;
  }

  /** Stores the token unless the cache was flushed since `generation` was read. */
  set(key: string, token: VerifiedToken, now: number, generation: number): void {
    if (generation !== this.generationCounter || this.ttlMs <= 0) return;
    const expires = Math.min(now + this.ttlMs, usableUntil(token));
    if (expires <= now) return;
    this.entries.delete(key);
    this.entries.set(key, { token, expires });
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  flush(): void {
    this.generationCounter++;
    this.entries.clear();
  }
}

/**
 * Secrets (by cache key) the token service called unknown, for `ttlMs`: a secret no token holds
 * cannot become valid, so a repeat is refused without asking again. Bounded, oldest first out.
 */
export class RejectedSecrets {
  private readonly entries = new Map<string, number>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
  ) {}

  has(key: string, now: number): boolean {
    const expires = this.entries.get(key);
    if (expires === undefined) return false;
    if (expires > now) return true;
    this.entries.delete(key);
    return false;
  }

  add(key: string, now: number): void {
    if (this.ttlMs <= 0) return;
    this.entries.delete(key);
    this.entries.set(key, now + this.ttlMs);
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }
}
