import type { Actor } from '@warden/contracts-events';
import type { Identity, RateLimitValue, Scope } from './internal-identity';

/** The calling token's limits beyond its scopes, as the gateway enforces them on this very request. */
export interface CallerLimits {
  /** `[]`: any address. */
  allowedIps: string[];
  /** ISO time, or null: never expires. */
  expiresAt: string | null;
  /** The quota the gateway applies to the token: its own `rateLimit`, else the default. */
  rateLimit: RateLimitValue;
  /** The gateway's default per-token quota (what a token without a `rateLimit` of its own gets). */
  defaultRateLimit: RateLimitValue;
}

/** Who asks for a change, as the gateway vouched for it: whose account, with which scopes, seen in audit as which actor. */
export interface Caller {
  accountId: string;
  scopes: Scope[];
  actor: Actor;
  remoteIp: string | null;
  requestId: string | null;
  /** The API token that calls, or null for an internal service. */
  tokenId: string | null;
  /**
   * What the caller may hand out besides its scopes: a token's own limits; `unrestricted` for an
   * internal service, which holds no token; `unknown` when a token's identity does not state them
   * (then nothing that needs them is granted).
   */
  limits: CallerLimits | 'unrestricted' | 'unknown';
}

function limitsOf(identity: Identity): Caller['limits'] {
  if (identity.kind === 'service') return 'unrestricted';
  const { tokenAllowedIps, tokenExpiresAt, tokenRateLimit, defaultRateLimit } = identity;
  if (!tokenAllowedIps || tokenExpiresAt === undefined || !tokenRateLimit || !defaultRateLimit) return 'unknown';
  return { allowedIps: tokenAllowedIps, expiresAt: tokenExpiresAt, rateLimit: tokenRateLimit, defaultRateLimit };
}

/** The signed identity as a service's domain sees it; a service-type token acts as its named service account. */
export function callerOf(identity: Identity): Caller {
  const actor: Actor =
    identity.kind === 'service'
      ? { type: 'service', id: identity.name, name: identity.name }
      : { type: identity.tokenType === 'service' ? 'service' : 'token', id: identity.tokenId ?? identity.name, name: identity.name };
  return {
    accountId: identity.accountId,
    scopes: identity.scopes,
    actor,
    remoteIp: identity.clientIp,
    requestId: identity.requestId,
    tokenId: identity.kind === 'token' ? (identity.tokenId ?? null) : null,
    limits: limitsOf(identity),
  };
}
