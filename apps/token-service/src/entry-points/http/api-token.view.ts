import type { Schemas } from '@warden/contracts-api';
import type { ApiTokenDoc } from '@warden/tokens-data-access';

/** What a token may do, as the public view and the gateway's verification both show it. */
export function tokenLimitsView(token: ApiTokenDoc): Pick<Schemas['ApiToken'], 'type' | 'scopes' | 'allowedIps' | 'expiresAt' | 'rateLimit'> {
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
  return {
    id: token._id,
    name: token.name,
    enabled: token.enabled,
    ...tokenLimitsView(token),
    hint: token.hint,
    recoverable: Boolean(token.sealedSecret),
    createdAt: token.createdAt.toISOString(),
    updatedAt: token.updatedAt.toISOString(),
    lastUsedAt: token.lastUsedAt ? token.lastUsedAt.toISOString() : null,
  };
}
