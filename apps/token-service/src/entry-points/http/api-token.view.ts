import type { Schemas } from '@warden/contracts-api';
import type { ApiTokenDoc } from '@warden/tokens-data-access';

/** A token as clients see it: metadata and the masked hint, never the secret or its hash. */
export function apiTokenView(token: ApiTokenDoc): Schemas['ApiToken'] {
  return {
    id: token._id,
    name: token.name,
    type: token.type,
    enabled: token.enabled,
    scopes: token.scopes,
    allowedIps: token.allowedIps,
    expiresAt: token.expiresAt ? token.expiresAt.toISOString() : null,
    rateLimit: token.rateLimit ? { limit: token.rateLimit.limit, windowSeconds: token.rateLimit.windowSeconds } : null,
    hint: token.hint,
    createdAt: token.createdAt.toISOString(),
    updatedAt: token.updatedAt.toISOString(),
    lastUsedAt: token.lastUsedAt ? token.lastUsedAt.toISOString() : null,
  };
}
