import type { Actor } from '@warden/contracts-events';
import type { Account, AccountRepository, ApiTokenRateLimit } from '@warden/tokens-data-access';
import type { TokenVersionSignal } from './token-version-signal';
import { changeAccount } from './change-account';

export interface SetAccountRateLimitDeps {
  accounts: AccountRepository;
  versions: Pick<TokenVersionSignal, 'publishAccountLimit'>;
  /** The outbox relay (or the CLI's one-off flush): kicked with the account once its event is written. */
  outbox?: { kick(documentId?: unknown): void };
}

export interface AccountRateLimitResult {
  account: Account;
  /** Whether this call changed it (the same quota again writes nothing and sends it to Redis again). */
  changed: boolean;
  /** Whether every gateway replica applies it from the next request; false: stored, and repeating the call sends it. */
  signalled: boolean;
}

/**
 * Sets the quota that every token of an account shares (null: the gateway's default), as one
 * single-document write with its "Account Updated" event, then stores it in Redis where each
 * gateway reads it in the same script as the token's version. Until Redis takes it, gateways keep
 * the quota their verifications read; repeating the call completes it. Null: no such account.
 */
export async function setAccountRateLimit(
  deps: SetAccountRateLimitDeps,
  { accountId, rateLimit, actor, now = () => new Date() }: { accountId: string; rateLimit: ApiTokenRateLimit | null; actor: Actor; now?: () => Date },
): Promise<AccountRateLimitResult | null> {
  const value = rateLimit ? { limit: rateLimit.limit, windowSeconds: rateLimit.windowSeconds } : null;
  const result = await changeAccount(deps.accounts, {
    accountId,
    field: 'rateLimit',
    value,
    actor,
    now,
    write: (current, quota, change) => deps.accounts.setRateLimit(current, quota, change),
  });
  if (!result) return null;
  const { account, changed } = result;
  if (changed) deps.outbox?.kick(accountId);
  return { account, changed, signalled: await deps.versions.publishAccountLimit(accountId, account.revision, account.rateLimit) };
}
