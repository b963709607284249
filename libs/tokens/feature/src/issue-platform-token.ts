import { PLATFORM_OWNER, PLATFORM_SCOPES, type PlatformScope } from '@warden/api-token';
import type { Actor } from '@warden/contracts-events';
import type { ApiTokenDoc } from '@warden/tokens-data-access';
import { issueApiToken, type ApiTokenSettings, type IssueApiTokenDeps } from './issue-api-token';

export type PlatformTokenSettings = Pick<ApiTokenSettings, 'name' | 'allowedIps' | 'expiresAt' | 'rateLimit'> & { scopes: PlatformScope[] };

/**
 * A platform token: owned by no account (`PLATFORM_OWNER`), holding platform scopes and nothing
 * else, issued by the operator. Everything else is an API token's: a secret shown once, its keyed
 * hash, expiry, allowlist, rate limit, immediate revocation, and its "Created" event, which lands in
 * the platform's chain.
 */
export async function issuePlatformToken(deps: IssueApiTokenDeps, actor: Actor, settings: PlatformTokenSettings, now = new Date()): Promise<{ token: ApiTokenDoc; secret: string }> {
  const foreign = settings.scopes.filter((scope) => !PLATFORM_SCOPES.includes(scope));
  if (settings.scopes.length === 0 || foreign.length > 0) throw new Error(`A platform token holds platform scopes only (${PLATFORM_SCOPES.join(', ')}).`);
  return issueApiToken(deps, { accountId: PLATFORM_OWNER, actor, remoteIp: null, requestId: null }, { ...settings, scopes: [...new Set(settings.scopes)] as ApiTokenSettings['scopes'], type: 'platform', enabled: true }, now);
}
