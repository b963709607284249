import type { Schemas } from '@warden/contracts-api';
import type { ApiTokenDoc, ApiTokenScope, ApiTokenType } from '@warden/tokens-data-access';

/** What a token may do, as the gateway's verification shows it: a platform token's type and scopes included. */
export type TokenLimits = Pick<Schemas['ApiToken'], 'allowedIps' | 'expiresAt' | 'rateLimit'> & { type: ApiTokenType; scopes: ApiTokenScope[] };

/** What a token may do, as the public view and the gateway's verification both show it. */
export function tokenLimitsView(token: ApiTokenDoc): TokenLimits {
  return {
    type: token.type,
    scopes: token.scopes,
    allowedIps: token.allowedIps,
    expiresAt: token.expiresAt ? token.expiresAt.toISOString() : null,
    rateLimit: token.rateLimit ? { limit: token.rateLimit.limit, windowSeconds: token.rateLimit.windowSeconds } : null,
  };
}

/** A token as clients see it: metadata and the masked hint, never the secret or its hash. */
export function apiTokenView(token: ApiTokenDoc): Schemas['ApiToken'] {
  // Only an account's own tokens are listed or read here; a platform token belongs to no account.
  return {
    id: token._id,
    name: token.name,
    enabled: token.enabled,
    ...(tokenLimitsView(token) as Pick<Schemas['ApiToken'], 'type' | 'scopes' | 'allowedIps' | 'expiresAt' | 'rateLimit'>),
    hint: token.hint,
    recoverable: Boolean(token.sealedSecret),
    createdAt: token.createdAt.toISOString(),
    updatedAt: token.updatedAt.toISOString(),
    lastUsedAt: token.lastUsedAt ? token.lastUsedAt.toISOString() : null,
  };
}
