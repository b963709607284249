import { AppError, type Caller, isUuid } from '@warden/http';
import type { Account, AccountFields, AccountRepository, ApiTokenRepository } from '@warden/tokens-data-access';
import { createAccount, deleteAccount, updateAccount, type AccountChangeSource, type CreatedAccount, type TokenVersionSignal } from '@warden/tokens-feature';
import { SIGNAL_RETRY_AFTER_SECONDS } from './manage-api-tokens.use-case';

export interface PlatformAccountsDeps {
  accounts: AccountRepository;
  tokens: ApiTokenRepository;
  versions: TokenVersionSignal;
  hashKey: string;
  credentials: { shred(accountId: string): Promise<void> };
  /** The sealer of recoverable tokens' secrets: a deleted account's data key is destroyed there. */
  tokenSecrets: { destroyDataKey(accountId: string): Promise<unknown> };
  outbox?: { kick(documentId?: unknown): void };
  clock?: () => Date;
}

const notFound = () => AppError.notFound('No account with this id.');

/** The platform token that acts, as the audit trail names it. */
function sourceOf(caller: Caller): AccountChangeSource {
  return { actor: caller.actor, remoteIp: caller.remoteIp, requestId: caller.requestId };
}

/**
 * The platform operator's account lifecycle, over the same domain functions as the operator CLI:
 * create (with the first token), list, read, change (name, enabled, quota) and delete. A change
 * that is stored but not in force on every gateway yet is `503`: repeating the request completes it.
 */
export class PlatformAccounts {
  private readonly now: () => Date;

  constructor(private readonly deps: PlatformAccountsDeps) {
    this.now = deps.clock ?? (() => new Date());
  }

  list(query: { name?: string; enabled?: boolean; after?: { createdAt: Date; id: string }; limit: number }): Promise<Account[]> {
    return this.deps.accounts.list(query);
  }

  async get(id: string): Promise<Account> {
    const account = isUuid(id) ? await this.deps.accounts.findById(id) : null;
    if (!account) throw notFound();
    return account;
  }

  async create(caller: Caller, name: string): Promise<{ created: CreatedAccount; account: Account }> {
    const created = await createAccount(this.deps, { name, now: this.now(), ...sourceOf(caller) });
    return { created, account: await this.get(created.account.id) };
  }

  async update(caller: Caller, id: string, fields: AccountFields): Promise<Account> {
    if (!isUuid(id)) throw notFound();
    const result = await updateAccount(this.deps, { accountId: id, fields, now: this.now, ...sourceOf(caller) });
    if (!result) throw notFound();
    if (!result.signalled) throw notInForce('The change is saved, but Redis did not take the signal that puts it in force on every gateway');
    return result.account;
  }

  async delete(caller: Caller, id: string): Promise<void> {
    if (!isUuid(id)) throw notFound();
    const result = await deleteAccount(this.deps, { accountId: id, now: this.now, ...sourceOf(caller) });
    if (!result) throw notFound();
    if (!result.signalled) throw notInForce('The account is deleted, but Redis did not take the signal that stops its tokens on every gateway');
    if (!result.shredded) {
      throw AppError.serviceUnavailable(
        "The account is deleted and its tokens are revoked, but the credential service could not be reached to destroy its data key; repeat the request to finish.",
        SIGNAL_RETRY_AFTER_SECONDS,
      );
    }
  }
}

function notInForce(what: string): AppError {
  return AppError.serviceUnavailable(`${what}; repeat the request to complete it.`, SIGNAL_RETRY_AFTER_SECONDS);
}
