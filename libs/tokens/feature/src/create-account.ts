import { randomUUID } from 'node:crypto';
import { buildChangeEvent, type Actor } from '@warden/contracts-events';
import { ALL_SCOPES } from '@warden/http';
import type { AccountRepository, ApiTokenDoc } from '@warden/tokens-data-access';
import { issueApiToken, type IssueApiTokenDeps } from './issue-api-token';

export interface CreateAccountDeps extends IssueApiTokenDeps {
  accounts: AccountRepository;
}

export interface CreatedAccount {
  account: { id: string; name: string; createdAt: Date };
  /** The account's first token: every scope, no allowlist, no expiry. */
  token: ApiTokenDoc;
  /** Its secret, shown this once. */
  secret: string;
}

/** The first token's name. */
export const FIRST_TOKEN_NAME = 'default';

/**
 * A new account (tenant) and its first token, each written with its "Created" event in one
 * single-document insert: the operator's way in. Only the operator mints an unrestricted token.
 */
export async function createAccount(deps: CreateAccountDeps, { name, actor, now = new Date() }: { name: string; actor: Actor; now?: Date }): Promise<CreatedAccount> {
  const accountId = randomUUID();
  await deps.accounts.insert(
    { _id: accountId, name, createdAt: now },
    buildChangeEvent({ accountId, objectType: 'Account', auditType: 'Created', objectId: accountId, actor, remoteIp: null, after: { name }, now }),
  );
  deps.outbox?.kick(accountId);
  const { token, secret } = await issueApiToken(
    deps,
    { accountId, actor, remoteIp: null, requestId: null },
    { name: FIRST_TOKEN_NAME, type: 'api', enabled: true, scopes: [...ALL_SCOPES], allowedIps: [], expiresAt: null, rateLimit: null },
    now,
  );
  return { account: { id: accountId, name, createdAt: now }, token, secret };
}
