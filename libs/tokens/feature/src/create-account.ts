import { randomUUID } from 'node:crypto';
import { ALL_SCOPES } from '@warden/http';
import type { AccountRepository, ApiTokenDoc } from '@warden/tokens-data-access';
import { issueApiToken, type IssueApiTokenDeps } from './issue-api-token';
import { accountChangeEvents, type AccountChangeSource } from './account-events';

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
 * A new account (tenant) and its first token, each written with its "Created" events in one
 * single-document insert (the account's in its own chain and the platform's): the operator's way in,
 * from the CLI or the platform API. Only the operator mints an unrestricted token.
 */
export async function createAccount(
  deps: CreateAccountDeps,
  { name, now = new Date(), ...source }: { name: string; now?: Date } & AccountChangeSource,
): Promise<CreatedAccount> {
  const accountId = randomUUID();
  await deps.accounts.insert({ _id: accountId, name, createdAt: now, updatedAt: now }, accountChangeEvents({ accountId, auditType: 'Created', after: { name }, now, ...source }));
  deps.outbox?.kick(accountId);
  const { token, secret } = await issueApiToken(
    deps,
    { accountId, actor: source.actor, remoteIp: source.remoteIp ?? null, requestId: source.requestId ?? null },
    { name: FIRST_TOKEN_NAME, type: 'api', enabled: true, scopes: [...ALL_SCOPES], allowedIps: [], expiresAt: null, rateLimit: null },
    now,
  );
  return { account: { id: accountId, name, createdAt: now }, token, secret };
}
