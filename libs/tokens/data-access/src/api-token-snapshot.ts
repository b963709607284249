import type { ApiTokenDoc } from './api-token.model';

/**
 * What a change event says about a token: its settings, never its secret, hash, previous hashes
 * or hint. Dates are ISO strings so an event means the same in MongoDB, Redis and the audit trail.
 */
export function apiTokenSnapshot(
  token: Pick<ApiTokenDoc, 'name' | 'type' | 'enabled' | 'scopes' | 'allowedIps' | 'expiresAt' | 'rateLimit'>,
): Record<string, unknown> {
  return {
    name: token.name,
    type: token.type,
    enabled: token.enabled,
    scopes: [...token.scopes],
    allowedIps: [...token.allowedIps],
    expiresAt: token.expiresAt ? token.expiresAt.toISOString() : null,
    rateLimit: token.rateLimit ? { limit: token.rateLimit.limit, windowSeconds: token.rateLimit.windowSeconds } : null,
  };
}
