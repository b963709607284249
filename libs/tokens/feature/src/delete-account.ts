import type { Account, AccountRepository, ApiTokenRepository } from '@warden/tokens-data-access';
import type { TokenVersionSignal } from './token-version-signal';
import { accountChangeEvents, type AccountChangeSource } from './account-events';
import { revokeApiToken } from './revoke-api-token';

export interface DeleteAccountDeps {
  accounts: AccountRepository;
  tokens: Pick<ApiTokenRepository, 'liveIdsOfAccount' | 'keptTombstoneIdsOfAccount' | 'findForAccount' | 'findKeptTombstone' | 'revoke' | 'releaseTombstone'>;
  versions: Pick<TokenVersionSignal, 'stopAccount' | 'revoke'>;
  /** Destroys the account's data key in the credential service: its credentials can never be opened again. */
  credentials: { shred(accountId: string): Promise<void> };
  /** Destroys the account's token data key here: the secrets of its recoverable tokens can never be opened again. */
  tokenSecrets: { destroyDataKey(accountId: string): Promise<unknown> };
  outbox?: { kick(documentId?: unknown): void };
}

export interface DeletedAccount {
  account: Account;
  /** How many live tokens this call revoked. */
  revokedTokens: number;
  /** Whether every gateway replica refuses the account's tokens; false: Redis did not take the signals. */
  signalled: boolean;
  /** Whether the credential service destroyed the account's data key; false: it could not be reached. */
  shredded: boolean;
}

const MAX_WRITE_ATTEMPTS = 5;

/**
 * Deletes an account in steps that each stay done, so that a repeat finishes what a failure left:
 * 1. the account is stopped for good and marked deleted, with its "Account Deleted" events (its own
 *    chain and the platform's) in the same write;
 * 2. every live token is marked in Redis, so every gateway replica refuses them from its next request;
 * 3. each token is revoked, with its own "Deleted" event in its own chain;
 * 4. its token data key is destroyed, and the credential service destroys its credentials' data key
 *    (crypto-shredding: no copy of those ciphertexts, backups included, opens again).
 * The audit chain is never touched. Null: no such account, or one already deleted to the end.
 */
export async function deleteAccount(
  deps: DeleteAccountDeps,
  { accountId, now = () => new Date(), ...source }: { accountId: string; now?: () => Date } & AccountChangeSource,
): Promise<DeletedAccount | null> {
  const account = await markDeleted(deps, accountId, now, source);
  if (!account) return null;
  const live = await deps.tokens.liveIdsOfAccount(accountId);
  let signalled = await deps.versions.stopAccount(accountId, live, account.revision);
  let revokedTokens = 0;
  // The live tokens, and those an earlier attempt revoked without Redis taking the signal.
  for (const tokenId of [...live, ...(await deps.tokens.keptTombstoneIdsOfAccount(accountId))]) {
    const revoked = await revokeApiToken(deps, { ownerId: accountId, tokenId, now, ...source });
    if (!revoked) continue;
    revokedTokens++;
    signalled = revoked.signalled && signalled;
  }
  await deps.tokenSecrets.destroyDataKey(accountId);
  let shredded = Boolean(account.credentialsShreddedAt);
  if (!shredded) {
    shredded = await deps.credentials.shred(accountId).then(
      () => true,
      () => false,
    );
    if (shredded) await deps.accounts.markCredentialsShredded(accountId, now());
  }
  return { account, revokedTokens, signalled, shredded };
}

/** Whether an earlier deletion did every step: no token left to revoke or to signal, the data key destroyed. */
async function finished(deps: DeleteAccountDeps, account: Account): Promise<boolean> {
  if (!account.credentialsShreddedAt) return false;
  const [live, kept] = await Promise.all([deps.tokens.liveIdsOfAccount(account._id), deps.tokens.keptTombstoneIdsOfAccount(account._id)]);
  return live.length === 0 && kept.length === 0;
}

async function markDeleted(deps: DeleteAccountDeps, accountId: string, now: () => Date, source: AccountChangeSource): Promise<Account | null> {
  for (let attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt++) {
    const current = await deps.accounts.findIncludingDeleted(accountId);
    if (!current) return null;
    // Deleted before: finish what that call left, or there is nothing left to do.
    if (current.deletedAt) return (await finished(deps, current)) ? null : current;
    const at = now();
    const prior = { name: current.name, enabled: current.enabled, rateLimit: current.rateLimit };
    const written = await deps.accounts.markDeleted(current, { events: accountChangeEvents({ accountId, auditType: 'Deleted', prior, now: at, ...source }), now: at });
    if (written) {
      deps.outbox?.kick(accountId);
      return written;
    }
  }
  throw new Error('The account changed while it was being deleted; try again.');
}
