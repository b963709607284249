import type { Account, AccountFields, AccountRepository, ApiTokenRepository } from '@warden/tokens-data-access';
import type { TokenVersionSignal } from './token-version-signal';
import type { AccountChangeSource } from './account-events';
import { changeAccount } from './change-account';

export interface UpdateAccountDeps {
  accounts: AccountRepository;
  tokens: Pick<ApiTokenRepository, 'liveIdsOfAccount'>;
  versions: Pick<TokenVersionSignal, 'stopAccount' | 'publishAccountLimit'>;
  /** The outbox relay (or the CLI's one-off flush): kicked with the account once its events are written. */
  outbox?: { kick(documentId?: unknown): void };
}

export interface UpdatedAccount {
  /** The account as written (or as found, when it already held every value). */
  account: Account;
  /** Whether this call changed it (a repeat changes nothing and writes no event). */
  changed: boolean;
  /**
   * Whether the change is in force on every gateway replica; false: stored, Redis did not take its
   * signals, and repeating the call sends them.
   */
  signalled: boolean;
}

/**
 * Renames, stops, restarts an account or sets its shared quota, in one write with its events; then
 * puts it in force on every gateway replica. A stop marks every live token of the account in Redis
 * with a mark no cached verification matches, so each replica asks the token service on the token's
 * next request and is refused (`account_disabled`). A restart needs no signal: those marks still make
 * every replica verify again, and a verification that reads the account enabled replaces them
 * (`TokenVersionSignal.ensure`). A quota is stored in Redis, where gateways read it with the token's
 * version. The signals are sent again on every call, changed or not: that is how a change answered
 * "not signalled" is completed. Null: no such account.
 */
export async function updateAccount(
  deps: UpdateAccountDeps,
  { accountId, fields, now = () => new Date(), ...source }: { accountId: string; fields: AccountFields; now?: () => Date } & AccountChangeSource,
): Promise<UpdatedAccount | null> {
  const result = await changeAccount(deps.accounts, { accountId, fields, now, ...source });
  if (!result) return null;
  const { account, changed } = result;
  if (changed) deps.outbox?.kick(accountId);
  let signalled = true;
  if (fields.enabled === false) signalled = await deps.versions.stopAccount(accountId, await deps.tokens.liveIdsOfAccount(accountId), account.revision);
  if (fields.rateLimit !== undefined) signalled = (await deps.versions.publishAccountLimit(accountId, account.revision, account.rateLimit)) && signalled;
  return { account, changed, signalled };
}
