import { rateLimitPolicy } from '../rate-limit/rate-limit-policy';
import { IpAllowlist } from './ip-allowlist';
import { RejectedSecrets, secretCacheKey, VerificationCache, type VerifiedToken } from './verification-cache';

const token = (overrides: Partial<VerifiedToken> = {}): VerifiedToken => ({
  tokenId: 't',
  accountId: 'a',
  name: 'n',
  type: 'api',
  scopes: [],
  allowedIps: [],
  allowlist: new IpAllowlist([]),
  expiresAt: null,
  expiresAtText: null,
  secretExpiresAt: null,
  policy: rateLimitPolicy('per-token', 60, 60),
  rateLimit: { limit: 60, windowSeconds: 60 },
  authVersion: '1',
  versionKey: 'v',
  rateKey: 'r',
  account: { rateKey: 'ra', limitKey: 'la', lastUsedKey: 'lu', revision: '0', policy: rateLimitPolicy('per-account', 1_000, 60) },
  ...overrides,
});

describe('verification cache', () => {
  it('keys by a SHA-256 of the secret, never the secret', () => {
    const key = secretCacheKey('wdn_secret');
    expect(key).not.toContain('secret');
    expect(key).toHaveLength(43);
  });

  it('keeps an entry for its TTL at most', () => {
    const cache = new VerificationCache(30_000, 10);
    cache.set('k', token(), 0, cache.generation);
    expect(cache.get('k', 29_999)).toBeDefined();
    expect(cache.get('k', 30_000)).toBeUndefined();
  });

  it("never keeps an entry past the token's expiry or its old secret's grace", () => {
    const cache = new VerificationCache(30_000, 10);
    cache.set('expiring', token({ expiresAt: 5_000 }), 0, cache.generation);
    cache.set('grace', token({ secretExpiresAt: 2_000 }), 0, cache.generation);
    cache.set('expired', token({ expiresAt: 0 }), 0, cache.generation);
    expect(cache.get('expiring', 4_999)).toBeDefined();
    expect(cache.get('expiring', 5_000)).toBeUndefined();
    expect(cache.get('grace', 2_000)).toBeUndefined();
    expect(cache.get('expired', 0)).toBeUndefined();
  });

  it('drops the least recently used entry beyond its bound', () => {
    const cache = new VerificationCache(30_000, 2);
    cache.set('a', token(), 0, cache.generation);
    cache.set('b', token(), 0, cache.generation);
    cache.get('a', 1);
    cache.set('c', token(), 0, cache.generation);
    expect(cache.get('b', 1)).toBeUndefined();
    expect(cache.get('a', 1)).toBeDefined();
    expect(cache.get('c', 1)).toBeDefined();
  });

  it('does not store a verification that started before a flush', () => {
    const cache = new VerificationCache(30_000, 10);
    const before = cache.generation;
    cache.flush();
    cache.set('k', token(), 0, before);
    expect(cache.get('k', 1)).toBeUndefined();
    expect(cache.size).toBe(0);
  });
});

describe('rejected secrets', () => {
  it('remembers a secret the token service called unknown for its time to live, and a bounded number of them', () => {
    const rejected = new RejectedSecrets(1_000, 2);
    rejected.add('a', 0);
    expect(rejected.has('a', 999)).toBe(true);
    expect(rejected.has('a', 1_000)).toBe(false);
    rejected.add('a', 0);
    rejected.add('b', 0);
    rejected.add('c', 0); // drops the oldest
    expect([rejected.has('a', 1), rejected.has('b', 1), rejected.has('c', 1)]).toEqual([false, true, true]);
  });
});
