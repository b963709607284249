import type { Connection, Model } from 'mongoose';
import type { ChangeEvent } from '@warden/contracts-events';
import { accountModel, type AccountDoc } from './account.model';
import type { ApiTokenRateLimit } from './api-token.model';
import { exclusiveWrite } from '@warden/data';

/** An account as the domain sees it: older documents read as enabled, at revision 0, with the default quota. */
export type Account = AccountDoc & { enabled: boolean; revision: number; rateLimit: ApiTokenRateLimit | null };

/** What a token's verification needs of its account: one read of three fields. */
export interface AccountAuthState {
  enabled: boolean;
  revision: number;
  rateLimit: ApiTokenRateLimit | null;
}

function withDefaults(doc: AccountDoc): Account {
  return { ...doc, enabled: doc.enabled ?? true, revision: doc.revision ?? 0, rateLimit: copyRateLimit(doc.rateLimit) };
}

function copyRateLimit(rateLimit: ApiTokenRateLimit | null | undefined): ApiTokenRateLimit | null {
  return rateLimit ? { limit: rateLimit.limit, windowSeconds: rateLimit.windowSeconds } : null;
}

/**
 * Accounts: created together with their "Account Created" event in one insert; each change is one
 * single-document update that pushes its event to the outbox, conditional on the revision read.
 */
export class AccountRepository {
  readonly model: Model<AccountDoc>;

  constructor(connection: Connection) {
    this.model = accountModel(connection);
  }

  async insert(account: Omit<AccountDoc, 'outbox'>, event: ChangeEvent): Promise<AccountDoc> {
    await exclusiveWrite(this.model, () => this.model.create({ ...account, outbox: [event] }));
    return { ...account, outbox: [event] };
  }

  async findById(id: string): Promise<Account | null> {
    const doc = await this.model.findById(id).lean<AccountDoc>();
    return doc ? withDefaults(doc) : null;
  }

  /** Whether the account's tokens may authenticate, and the quota they share (an account never written counts as enabled, at the default). */
  async authState(id: string): Promise<AccountAuthState> {
    const doc = await this.model.findById(id, { enabled: 1, revision: 1, rateLimit: 1 }).lean<Pick<AccountDoc, 'enabled' | 'revision' | 'rateLimit'>>();
    return { enabled: doc?.enabled ?? true, revision: doc?.revision ?? 0, rateLimit: copyRateLimit(doc?.rateLimit) };
  }

  /** Sets `enabled` with its event, if nobody wrote the account since `current` was read; `null` otherwise (re-read and decide again). */
  setEnabled(current: Account, enabled: boolean, change: { event: ChangeEvent; now: Date }): Promise<Account | null> {
    return this.update(current, { enabled }, change);
  }

  /** Sets the account's own quota (null: the default) with its event, on the same terms as `setEnabled`. */
  setRateLimit(current: Account, rateLimit: ApiTokenRateLimit | null, change: { event: ChangeEvent; now: Date }): Promise<Account | null> {
    return this.update(current, { rateLimit }, change);
  }

  private async update(current: Account, fields: Partial<Pick<AccountDoc, 'enabled' | 'rateLimit'>>, { event, now }: { event: ChangeEvent; now: Date }): Promise<Account | null> {
    // Documents written before accounts had a revision have none: that is revision 0.
    const filter = { _id: current._id, ...(current.revision === 0 ? { $or: [{ revision: 0 }, { revision: { $exists: false } }] } : { revision: current.revision }) };
    const updated = await exclusiveWrite(this.model, () =>
      this.model
        .findOneAndUpdate(filter, { $set: { ...fields, updatedAt: now }, $inc: { revision: 1 }, $push: { outbox: event } }, { returnDocument: 'after' })
        .lean<AccountDoc>()
        .exec(),
    );
    return updated ? withDefaults(updated) : null;
  }
}
