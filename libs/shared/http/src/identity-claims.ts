import type { Identity, RateLimitValue, Scope } from './internal-identity';

/**
 * The identity as it travels in the `idn` claim: short names, and nothing the subject (`sub`)
 * already says: a token's id, or an internal caller's name. Every request carries one, so its size
 * is paid in signing, in verifying and on the wire: the token is about a third smaller than with
 * the identity's own JSON.
 */
export interface IdentityClaim {
  /** kind: `t` token, `s` internal service. */
  k: 't' | 's';
  /** accountId */
  a: string;
  /** name, for a token (a service's is the subject) */
  n?: string;
  /** tokenType: `a` api, `s` service, `p` platform */
  y?: 'a' | 's' | 'p';
  /** tokenExpiresAt: ISO time, or null for never; absent when not stated */
  e?: string | null;
  /** tokenAllowedIps */
  ips?: string[];
  /** tokenRateLimit: [limit, windowSeconds] */
  rl?: [number, number];
  /** defaultRateLimit: [limit, windowSeconds] */
  drl?: [number, number];
  /** scopes */
  s: Scope[];
  /** clientIp */
  ip: string | null;
  /** requestId */
  r: string;
}

const TOKEN_TYPE_CODES: Record<NonNullable<Identity['tokenType']>, NonNullable<IdentityClaim['y']>> = { api: 'a', service: 's', platform: 'p' };
const pair = (value: RateLimitValue | undefined): [number, number] | undefined => (value ? [value.limit, value.windowSeconds] : undefined);
const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 1;
const quota = (value: unknown): RateLimitValue | undefined =>
  Array.isArray(value) && value.length === 2 && value.every(isCount) ? { limit: value[0], windowSeconds: value[1] } : undefined;
const strings = (value: unknown): value is string[] => Array.isArray(value) && value.every((item) => typeof item === 'string');

/**
 * The subject (`sub`) of an identity: its token, or the internal caller's name. A token identity
 * without its token is a bug in the caller, refused here rather than minted under another subject.
 */
export function subjectOf(identity: Identity): string {
  if (identity.kind !== 'token') return identity.name;
  if (!identity.tokenId) throw new Error('a token identity must name its token (tokenId)');
  return identity.tokenId;
}

/** The claim of an identity. A service identity holds no token, so no token's limits travel with it. */
export function toIdentityClaim(identity: Identity): IdentityClaim {
  const claim: IdentityClaim = { k: identity.kind === 'token' ? 't' : 's', a: identity.accountId, s: identity.scopes, ip: identity.clientIp, r: identity.requestId };
  if (identity.kind !== 'token') return claim;
  claim.n = identity.name;
  if (identity.tokenType) claim.y = TOKEN_TYPE_CODES[identity.tokenType];
  if (identity.tokenExpiresAt !== undefined) claim.e = identity.tokenExpiresAt;
  if (identity.tokenAllowedIps) claim.ips = identity.tokenAllowedIps;
  if (identity.tokenRateLimit) claim.rl = pair(identity.tokenRateLimit);
  if (identity.defaultRateLimit) claim.drl = pair(identity.defaultRateLimit);
  return claim;
}

/**
 * The identity a verified claim names, or undefined when it is not one a Warden caller mints. The
 * previous release minted the identity itself as the claim (it has a `kind`): that form is still
 * read, so services can be upgraded before the gateway and the other callers that mint for them.
 */
export function fromIdentityClaim(subject: unknown, claim: unknown): Identity | undefined {
  if (typeof subject !== 'string' || claim === null || typeof claim !== 'object') return undefined;
  const c = ('kind' in claim ? fromPreviousRelease(claim as Record<string, unknown>) : claim) as Partial<IdentityClaim> | undefined;
  if (!c || (c.k !== 't' && c.k !== 's') || typeof c.a !== 'string' || !strings(c.s) || typeof c.r !== 'string') return undefined;
  if (c.ip !== null && typeof c.ip !== 'string') return undefined;
  const base = { accountId: c.a, scopes: c.s as Scope[], clientIp: c.ip, requestId: c.r };
  if (c.k === 's') return { kind: 'service', name: subject, ...base };
  if (typeof c.n !== 'string') return undefined;
  const identity: Identity = { kind: 'token', tokenId: subject, name: c.n, ...base };
  const tokenType = Object.entries(TOKEN_TYPE_CODES).find(([, code]) => code === c.y)?.[0];
  if (tokenType) identity.tokenType = tokenType as NonNullable<Identity['tokenType']>;
  if (c.e === null || typeof c.e === 'string') identity.tokenExpiresAt = c.e;
  if (strings(c.ips)) identity.tokenAllowedIps = c.ips;
  const own = quota(c.rl);
  if (own) identity.tokenRateLimit = own;
  const fallback = quota(c.drl);
  if (fallback) identity.defaultRateLimit = fallback;
  return identity;
}

/** The previous release's claim (the identity's own JSON) in this release's form; undefined when it is not one. */
function fromPreviousRelease(identity: Record<string, unknown>): IdentityClaim | undefined {
  if (identity.kind !== 'token' && identity.kind !== 'service') return undefined;
  // Only reads its fields; the claim's own checks then refuse any of the wrong type.
  return toIdentityClaim(identity as unknown as Identity);
}
