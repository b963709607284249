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
  /** tokenType: `a` api, `s` service */
  y?: 'a' | 's';
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

const pair = (value: RateLimitValue | undefined): [number, number] | undefined => (value ? [value.limit, value.windowSeconds] : undefined);
const quota = (value: unknown): RateLimitValue | undefined =>
  Array.isArray(value) && value.length === 2 && value.every(Number.isFinite) ? { limit: value[0], windowSeconds: value[1] } : undefined;

/** The subject (`sub`) of an identity: its token, or the internal caller's name (a service identity holds no token). */
export function subjectOf(identity: Identity): string {
  return identity.kind === 'token' ? (identity.tokenId ?? identity.name) : identity.name;
}

export function toIdentityClaim(identity: Identity): IdentityClaim {
  const token = identity.kind === 'token';
  const claim: IdentityClaim = { k: token ? 't' : 's', a: identity.accountId, s: identity.scopes, ip: identity.clientIp, r: identity.requestId };
  if (token) claim.n = identity.name;
  if (identity.tokenType) claim.y = identity.tokenType === 'service' ? 's' : 'a';
  if (identity.tokenExpiresAt !== undefined) claim.e = identity.tokenExpiresAt;
  if (identity.tokenAllowedIps) claim.ips = identity.tokenAllowedIps;
  if (identity.tokenRateLimit) claim.rl = pair(identity.tokenRateLimit);
  if (identity.defaultRateLimit) claim.drl = pair(identity.defaultRateLimit);
  return claim;
}

/** The identity a verified claim names, or undefined when it is not one a Warden caller mints. */
export function fromIdentityClaim(subject: unknown, claim: unknown): Identity | undefined {
  if (typeof subject !== 'string' || claim === null || typeof claim !== 'object') return undefined;
  const c = claim as Partial<IdentityClaim>;
  if ((c.k !== 't' && c.k !== 's') || typeof c.a !== 'string' || !Array.isArray(c.s) || typeof c.r !== 'string') return undefined;
  if (c.ip !== null && typeof c.ip !== 'string') return undefined;
  const token = c.k === 't';
  const name = token ? c.n : subject;
  if (typeof name !== 'string') return undefined;
  const identity: Identity = { kind: token ? 'token' : 'service', accountId: c.a, name, scopes: c.s, clientIp: c.ip, requestId: c.r };
  if (token) identity.tokenId = subject;
  if (c.y === 's' || c.y === 'a') identity.tokenType = c.y === 's' ? 'service' : 'api';
  if (c.e === null || typeof c.e === 'string') identity.tokenExpiresAt = c.e;
  if (Array.isArray(c.ips)) identity.tokenAllowedIps = c.ips;
  const own = quota(c.rl);
  if (own) identity.tokenRateLimit = own;
  const fallback = quota(c.drl);
  if (fallback) identity.defaultRateLimit = fallback;
  return identity;
}
