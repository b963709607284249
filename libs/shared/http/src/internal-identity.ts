import { createHash, randomUUID } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { createDecoder, createSigner, createVerifier } from 'fast-jwt';
import type { Schemas } from '@warden/contracts-api';
import type { InternalKey } from '@warden/config';
import { AppError } from './app-error';
import { ReplayGuard } from './replay-guard';
import { fromIdentityClaim, subjectOf, toIdentityClaim, type IdentityClaim } from './identity-claims';

/** The one header that carries a request's internal identity: a compact JWS (HS256 JWT). */
export const IDENTITY_HEADER = 'x-warden-identity';
/** How long a minted identity is valid: a request is on its way to one service for no longer. */
export const IDENTITY_LIFETIME_MS = 10_000;
/** Clock skew allowed between the minting and the receiving host, either way. */
export const CLOCK_TOLERANCE_MS = 5_000;
/** The caller every public route accepts: the door, which mints identities for API tokens. */
export const GATEWAY = 'gateway';

/** The scopes an account's tokens hold (`components.schemas.Scope`). */
export type AccountScope = Schemas['Scope'];
/** The scopes only platform tokens hold (`components.schemas.PlatformScope`), and nothing else. */
export type PlatformScope = Schemas['PlatformScope'];
/** Any scope a route may require. */
export type Scope = AccountScope | PlatformScope;
const isPlatformScope = (scope: Scope): scope is PlatformScope => scope.startsWith('platform:');

/** Every scope, in the contract's order; a scope added to the contract fails to compile here until it is listed. */
const SCOPE_SET = {
  'tokens:read': true,
  'tokens:write': true,
  'credentials:read': true,
  'credentials:write': true,
  'credentials:reveal': true,
  'audit:read': true,
  'audit:witness': true,
  'tokens:reveal': true,
} satisfies Record<AccountScope, true>;
/** Every scope an account's token can hold: what the operator gives an account's first token. */
export const ALL_SCOPES: readonly AccountScope[] = Object.freeze(Object.keys(SCOPE_SET) as AccountScope[]);

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
  tokenType?: 'api' | 'service' | 'platform';
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

/** The JWS `kid`: the caller's name and its key id, so that two callers' keys never share one. */
function keyIdOf(key: InternalKey): string {
  return `${key.caller}:${key.keyId}`;
}

/** RFC 9530 `Content-Digest` value of a request body: what the identity binds. */
export function bodyDigest(body: Buffer | string): string {
  return `sha-256=:${createHash('sha256').update(body).digest('base64')}:`;
}
export const EMPTY_BODY_DIGEST = bodyDigest('');

/** The request an identity is minted for: RFC 9449's `htm`/`htu` (with the query) and the body's digest. */
export interface BoundRequest {
  method: string;
  url: string;
  /** `bodyDigest` of the exact bytes sent; an empty body when omitted. */
  digest?: string;
}

interface Claims {
  iss: string;
  aud: string;
  /** The token's id, or the internal caller's name (`subjectOf`). */
  sub: string;
  iat: number;
  exp: number;
  jti: string;
  htm: string;
  htu: string;
  /** `Content-Digest` of the body (RFC 9530); absent for an empty one. */
  cdg?: string;
  /** The identity the caller vouches for (`toIdentityClaim`). */
  idn: IdentityClaim;
}

/**
 * Mints identities as one caller: a short-lived HS256 JWT per request, with the key of the receiving
 * service (its newest), a unique id, the method, URL and body digest.
 */
export class IdentitySigner {
  private readonly signers = new Map<string, (payload: object) => string>();

  constructor(
    readonly caller: string,
    keys: InternalKey[],
    private readonly now: () => number = Date.now,
  ) {
    for (const key of keys) {
      if (key.caller !== caller) continue;
      // Oldest first: a later key of the same pair replaces an earlier one as the signing key.
      this.signers.set(key.audience, createSigner({ key: key.key, algorithm: 'HS256', kid: keyIdOf(key), iss: caller, aud: key.audience, expiresIn: IDENTITY_LIFETIME_MS }));
    }
  }

  /** Whether this caller holds a key for `audience`. */
  signsFor(audience: string): boolean {
    return this.signers.has(audience);
  }

  /** The header for one request to `audience`. */
  sign(audience: string, identity: Identity, request: BoundRequest): Record<string, string> {
    const sign = this.signers.get(audience);
    if (!sign) throw new Error(`${this.caller} holds no internal key for ${audience}`);
    const claims: Omit<Claims, 'iss' | 'aud' | 'exp'> = {
      sub: subjectOf(identity),
      iat: Math.floor(this.now() / 1000),
      jti: randomUUID(),
      htm: request.method.toUpperCase(),
      htu: request.url,
      idn: toIdentityClaim(identity),
    };
    if (request.digest !== undefined && request.digest !== EMPTY_BODY_DIGEST) claims.cdg = request.digest;
    const token = sign(claims);
    return { [IDENTITY_HEADER]: token };
  }
}

export interface VerifiedIdentity {
  identity: Identity;
  /** Who minted it (`iss`): `gateway`, or an internal caller such as `cli`. */
  caller: string;
  /** The body digest it was minted for: the body that arrives must have it. */
  digest: string;
}

export type IdentityRefusal = 'malformed' | 'unknown-key' | 'signature' | 'expired' | 'not-yet-valid' | 'request' | 'replayed';

/**
 * Checks identities addressed to one service: the signature with the key its header names (one of
 * the listed keys of that caller for this service), the audience, the lifetime (with the clock
 * tolerance), the method and URL, and that this replica has not seen its unique id before.
 */
export class IdentityVerifier {
  private readonly byKey = new Map<string, (token: string) => Claims>();
  /** Header segment → its verifier: every identity of one key shares one header, so most lookups skip decoding it. */
  private readonly byHeader = new Map<string, (token: string) => Claims>();
  private readonly decodeHeader = createDecoder({ complete: true, checkTyp: undefined });
  private readonly replays: ReplayGuard;

  constructor(
    readonly audience: string,
    keys: InternalKey[],
    private readonly now: () => number = Date.now,
  ) {
    for (const key of keys) {
      if (key.audience !== audience) continue;
      this.byKey.set(
        keyIdOf(key),
        // The clock checks are done below with `now`, so that they follow one clock.
        createVerifier({ key: key.key, algorithms: ['HS256'], allowedIss: key.caller, allowedAud: audience, ignoreExpiration: true, ignoreNotBefore: true }),
      );
    }
    this.replays = new ReplayGuard(now);
  }

  verify(token: string | undefined, request: { method: string; url: string }): { ok: true; value: VerifiedIdentity } | { ok: false; reason: IdentityRefusal } {
    if (!token || token.length > 16_384) return { ok: false, reason: 'malformed' };
    const verify = this.verifierFor(token);
    if (!verify) return { ok: false, reason: 'unknown-key' };
    let claims: Claims;
    try {
      claims = verify(token);
    } catch {
      return { ok: false, reason: 'signature' };
    }
    const now = this.now();
    if (typeof claims.exp !== 'number' || typeof claims.iat !== 'number' || typeof claims.jti !== 'string' || !claims.idn) return { ok: false, reason: 'malformed' };
    if (claims.exp * 1000 + CLOCK_TOLERANCE_MS < now) return { ok: false, reason: 'expired' };
    // Minted in the future, or for longer than any Warden caller mints: not one of ours.
    if (claims.iat * 1000 - CLOCK_TOLERANCE_MS > now || (claims.exp - claims.iat) * 1000 > IDENTITY_LIFETIME_MS) return { ok: false, reason: 'not-yet-valid' };
    if (claims.htm !== request.method.toUpperCase() || claims.htu !== request.url) return { ok: false, reason: 'request' };
    const identity = fromIdentityClaim(claims.sub, claims.idn);
    if (!identity || (claims.cdg !== undefined && typeof claims.cdg !== 'string')) return { ok: false, reason: 'malformed' };
    if (!this.replays.firstUse(claims.jti, claims.exp * 1000 + CLOCK_TOLERANCE_MS)) return { ok: false, reason: 'replayed' };
    return { ok: true, value: { identity, caller: claims.iss, digest: claims.cdg ?? EMPTY_BODY_DIGEST } };
  }

  private verifierFor(token: string): ((token: string) => Claims) | undefined {
    const header = token.slice(0, token.indexOf('.'));
    const known = this.byHeader.get(header);
    if (known) return known;
    let decoded: { header: { kid?: unknown } };
    try {
      decoded = this.decodeHeader(token);
    } catch {
      return undefined;
    }
    const verify = typeof decoded.header?.kid === 'string' ? this.byKey.get(decoded.header.kid) : undefined;
    // Only headers of real keys are remembered: a flood of made-up headers adds nothing here.
    if (verify && this.byHeader.size < 64) this.byHeader.set(header, verify);
    return verify;
  }
}

const REFUSED = 'This service accepts only requests signed by the Warden gateway.';

/**
 * Every request to a service carries an identity minted for it. Public routes accept the gateway's
 * only; routes under `/internal/` accept the callers each of them lists (`acceptCallers`). The body
 * is checked against the identity's digest before it is parsed (`jsonBody`).
 */
export function requireInternalIdentity(verifier: IdentityVerifier): RequestHandler {
  return (req, res, next) => {
    const result = verifier.verify(req.get(IDENTITY_HEADER), { method: req.method, url: req.originalUrl });
    if (!result.ok || (result.value.caller !== GATEWAY && !req.path.startsWith('/internal/'))) {
      next(AppError.unauthorized(REFUSED));
      return;
    }
    res.locals.identity = result.value.identity;
    res.locals.caller = result.value.caller;
    res.locals.bodyDigest = result.value.digest;
    next();
  };
}

/** An internal route's list of the callers it accepts; any other caller's identity is refused as unauthenticated. */
export function acceptCallers(...callers: string[]): RequestHandler {
  return (_req, res, next) => {
    next(callers.includes(res.locals.caller as string) ? undefined : AppError.unauthorized(REFUSED));
  };
}

export function identityOf(req: Request): Identity {
  const identity = req.res?.locals.identity as Identity | undefined;
  if (!identity) throw new Error('identityOf() called on a route without requireInternalIdentity');
  return identity;
}

/** Whether the identity is a platform token's, which belongs to no account. */
export function isPlatformIdentity(identity: Identity): boolean {
  return identity.kind === 'token' && identity.tokenType === 'platform';
}

/** The one refusal of a platform token on an account's route, and of an account's token on the platform's. */
export function refuseWrongRealm(identity: Identity, platformRoute: boolean): AppError | undefined {
  if (identity.kind !== 'token' || isPlatformIdentity(identity) === platformRoute) return undefined;
  return AppError.forbidden(platformRoute ? 'Only a platform token may call the platform API.' : "A platform token cannot call an account's API.");
}

/**
 * A scope check inside a service: defence in depth behind the gateway's own check. A platform
 * scope is checked only for platform tokens, an account's only for the account's tokens.
 */
export function requireScope(scope: Scope): RequestHandler {
  const platformRoute = isPlatformScope(scope);
  return (req, _res, next) => {
    const identity = identityOf(req);
    next(refuseWrongRealm(identity, platformRoute) ?? (identity.scopes.includes(scope) ? undefined : AppError.forbidden(`This API token lacks the '${scope}' scope.`)));
  };
}
