import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import type { Schemas } from '@warden/contracts-api';
import { AppError } from './app-error';

export const IDENTITY_HEADER = 'x-warden-identity';
export const SIGNATURE_HEADER = 'x-warden-signature';
/** How long a signed identity stays valid: long enough for clock skew, short enough to limit replay. */
const MAX_AGE_MS = 60_000;

/** The scopes the contract defines (`components.schemas.Scope`). */
export type Scope = Schemas['Scope'];

/** Every scope, in the contract's order; a scope added to the contract fails to compile here until it is listed. */
const SCOPE_SET = {
  'tokens:read': true,
  'tokens:write': true,
  'credentials:read': true,
  'credentials:write': true,
  'credentials:reveal': true,
  'audit:read': true,
} satisfies Record<Scope, true>;
export const ALL_SCOPES: readonly Scope[] = Object.freeze(Object.keys(SCOPE_SET) as Scope[]);

/** A quota: `limit` requests per `windowSeconds`. */
export interface RateLimitValue {
  limit: number;
  windowSeconds: number;
}

/** Who is calling, as established by the gateway (a token) or by an internal service. */
export interface Identity {
  kind: 'token' | 'service';
  accountId: string;
  /** The API token that authenticated the request, when kind is 'token'. */
  tokenId?: string;
  tokenType?: 'api' | 'service';
  /** When the token stops working (ISO time), or null: lets a service describe the caller's token without a read. */
  tokenExpiresAt?: string | null;
  /** The addresses the token may be used from (`[]`: anywhere), when kind is 'token'. */
  tokenAllowedIps?: string[];
  /** The per-token quota the gateway applies to the token: its own `rateLimit`, else the default. */
  tokenRateLimit?: RateLimitValue;
  /** The gateway's default per-token quota: what a token without a `rateLimit` of its own gets. */
  defaultRateLimit?: RateLimitValue;
  /** The token's name or the internal service's name: what audit records show as the username. */
  name: string;
  scopes: Scope[];
  clientIp: string | null;
  requestId: string;
}

interface SignedClaims extends Identity {
  method: string;
  url: string;
  iat: number;
}

function hmac(key: string, payload: string): Buffer {
  return createHmac('sha256', key).update(payload).digest();
}

/**
 * Headers that prove to a service that the gateway (or a trusted internal caller) vouches for this
 * identity on exactly this method and URL, for one minute.
 */
export function signIdentity(
  identity: Identity,
  key: string,
  request: { method: string; url: string },
  now = Date.now(),
): Record<string, string> {
  const claims: SignedClaims = { ...identity, method: request.method.toUpperCase(), url: request.url, iat: now };
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return { [IDENTITY_HEADER]: payload, [SIGNATURE_HEADER]: hmac(key, payload).toString('base64url') };
}

export function verifyIdentity(
  headers: { identity?: string; signature?: string },
  key: string,
  request: { method: string; url: string },
  now = Date.now(),
): Identity | undefined {
  const { identity, signature } = headers;
  if (!identity || !signature) return undefined;
  const expected = hmac(key, identity);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  let claims: SignedClaims;
  try {
    claims = JSON.parse(Buffer.from(identity, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (claims.method !== request.method.toUpperCase() || claims.url !== request.url) return undefined;
  if (Math.abs(now - claims.iat) > MAX_AGE_MS) return undefined;
  const { method: _method, url: _url, iat: _iat, ...rest } = claims;
  return rest;
}

/** Services accept only requests signed by the gateway or an internal caller: nothing goes around the door. */
export function requireInternalIdentity(key: string): RequestHandler {
  return (req, res, next) => {
    const identity = verifyIdentity(
      { identity: req.get(IDENTITY_HEADER), signature: req.get(SIGNATURE_HEADER) },
      key,
      { method: req.method, url: req.originalUrl },
    );
    if (!identity) {
      next(AppError.unauthorized('This service accepts only requests signed by the Warden gateway.'));
      return;
    }
    res.locals.identity = identity;
    next();
  };
}

export function identityOf(req: Request): Identity {
  const identity = req.res?.locals.identity as Identity | undefined;
  if (!identity) throw new Error('identityOf() called on a route without requireInternalIdentity');
  return identity;
}

/** A scope check inside a service: defence in depth behind the gateway's own check. */
export function requireScope(scope: Scope): RequestHandler {
  return (req, _res, next) => {
    const identity = identityOf(req);
    next(identity.scopes.includes(scope) ? undefined : AppError.forbidden(`This API token lacks the '${scope}' scope.`));
  };
}
