import type { Actor } from '@warden/contracts-events';
import type { Account, AccountRepository, ApiTokenRepository } from '@warden/tokens-data-access';
import type { TokenVersionSignal } from './token-version-signal';
import { changeAccount } from './change-account';

export interface SetAccountEnabledDeps {
  accounts: AccountRepository;
  tokens: Pick<ApiTokenRepository, 'liveIdsOfAccount'>;
  versions: Pick<TokenVersionSignal, 'stopAccount'>;
  /** The outbox relay (or the CLI's one-off flush): kicked with the account once its event is written. */
  outbox?: { kick(documentId?: unknown): void };
}

export interface AccountEnabledResult {
  /** The account as written (or as found, when it already was in that state). */
  account: Account;
  /** Whether this call changed it (a repeat changes nothing and writes no event). */
  changed: boolean;
  /**
   * Whether the change is in force on every gateway replica. A disable is once every live token of
   * the account is marked in Redis; false: the account is stored, Redis did not take the marks, and
   * repeating the call sends them. An enable always is (see below).
   */
  signalled: boolean;
}

/**
 * Stops (`enabled: false`) or restarts an account: the operator's command, and later the platform
 * API's. The account and its "Account Updated" event are one single-document write; then every live
 * token of the account gets a mark in Redis that no gateway's cached verification matches, so each
 * replica asks the token service on the token's next request, and the token service refuses tokens
 * of a disabled account (`account_disabled`). Enabling needs no signal: the marks still make every
 * replica verify again, and a verification that reads the account enabled at a later revision
 * replaces its token's mark with the token's version (`TokenVersionSignal.ensure`), so tokens work
 * again from their next request. The same call on an account already in that state writes nothing
 * and sends the marks again: that is how a disable answered "not signalled" is completed. Null: no
 * such account.
 */
export async function setAccountEnabled(
  deps: SetAccountEnabledDeps,
  { accountId, enabled, actor, now = () => new Date() }: { accountId: string; enabled: boolean; actor: Actor; now?: () => Date },
): Promise<AccountEnabledResult | null> {
  const result = await changeAccount(deps.accounts, {
    accountId,
    field: 'enabled',
    value: enabled,
    actor,
    now,
    write: (current, value, change) => deps.accounts.setEnabled(current, value, change),
  });
  if (!result) return null;
  const { account, changed } = result;
  if (changed) deps.outbox?.kick(accountId);
  if (enabled) return { account, changed, signalled: true };
  const tokenIds = await deps.tokens.liveIdsOfAccount(accountId);
  return { account, changed, signalled: await deps.versions.stopAccount(accountId, tokenIds, account.revision) };
}
