import type { Connection, Model } from 'mongoose';
import type { ChangeEvent } from '@warden/contracts-events';
import { accountModel, type AccountDoc } from './account.model';
import { exclusiveWrite } from '@warden/data';

/** An account as the domain sees it: older documents read as enabled, at revision 0. */
export type Account = AccountDoc & { enabled: boolean; revision: number };

function withDefaults(doc: AccountDoc): Account {
  return { ...doc, enabled: doc.enabled ?? true, revision: doc.revision ?? 0 };
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

  /** Whether the account's tokens may authenticate: one read of one field (an account never written counts as enabled). */
  async isEnabled(id: string): Promise<{ enabled: boolean; revision: number }> {
    const doc = await this.model.findById(id, { enabled: 1, revision: 1 }).lean<Pick<AccountDoc, 'enabled' | 'revision'>>();
    return { enabled: doc?.enabled ?? true, revision: doc?.revision ?? 0 };
  }

  /** Sets `enabled` with its event, if nobody wrote the account since `current` was read; `null` otherwise (re-read and decide again). */
  async setEnabled(current: Account, enabled: boolean, { event, now }: { event: ChangeEvent; now: Date }): Promise<Account | null> {
    // Documents written before accounts had a revision have none: that is revision 0.
    const filter = { _id: current._id, ...(current.revision === 0 ? { $or: [{ revision: 0 }, { revision: { $exists: false } }] } : { revision: current.revision }) };
    const updated = await exclusiveWrite(this.model, () =>
      this.model
        .findOneAndUpdate(filter, { $set: { enabled, updatedAt: now }, $inc: { revision: 1 }, $push: { outbox: event } }, { returnDocument: 'after' })
        .lean<AccountDoc>()
        .exec(),
    );
    return updated ? withDefaults(updated) : null;
  }
}
