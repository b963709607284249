import { escapeRegex } from './escape-regex';
import type { Connection, Model } from 'mongoose';
import type { ChangeEvent } from '@warden/contracts-events';
import { accountModel, type AccountDoc } from './account.model';
import type { ApiTokenRateLimit } from './api-token.model';
import { exclusiveWrite } from '@warden/data';

/** An account as the domain sees it: older documents read as enabled, at revision 0, with the default quota. */
export type Account = AccountDoc & { enabled: boolean; revision: number; rateLimit: ApiTokenRateLimit | null };

/** What the operator may change of an account, besides stopping it. */
export type AccountFields = Partial<Pick<AccountDoc, 'name' | 'enabled' | 'rateLimit'>>;

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

  async insert(account: Omit<AccountDoc, 'outbox'>, events: ChangeEvent[]): Promise<AccountDoc> {
    await exclusiveWrite(this.model, () => this.model.create({ ...account, outbox: events }));
    return { ...account, outbox: events };
  }

  /** The account, or null when there is none or it was deleted. */
  async findById(id: string): Promise<Account | null> {
    const doc = await this.model.findOne({ _id: id, deletedAt: null }).lean<AccountDoc>();
    return doc ? withDefaults(doc) : null;
  }

  /** The account even when deleted (a repeated delete finishes what the first left undone). */
  async findIncludingDeleted(id: string): Promise<Account | null> {
    const doc = await this.model.findById(id).lean<AccountDoc>();
    return doc ? withDefaults(doc) : null;
  }

  /** Live accounts, newest first; `name` is matched literally, case-insensitively. */
  async list({ name, enabled, after, limit }: { name?: string; enabled?: boolean; after?: { createdAt: Date; id: string }; limit: number }): Promise<Account[]> {
    const filter: Record<string, unknown> = { deletedAt: null };
    if (name) filter.name = { $regex: escapeRegex(name), $options: 'i' };
    // Older documents have no `enabled`: they are enabled.
    if (enabled !== undefined) filter.enabled = enabled ? { $ne: false } : false;
    if (after) filter.$or = [{ createdAt: { $lt: after.createdAt } }, { createdAt: after.createdAt, _id: { $lt: after.id } }];
    const docs = await this.model.find(filter).sort({ createdAt: -1, _id: -1 }).limit(limit).lean<AccountDoc[]>();
    return docs.map(withDefaults);
  }

  /** Whether the account's tokens may authenticate, and the quota they share (an account never written counts as enabled, at the default). */
  async authState(id: string): Promise<AccountAuthState> {
    const doc = await this.model.findById(id, { enabled: 1, revision: 1, rateLimit: 1, deletedAt: 1 }).lean<Pick<AccountDoc, 'enabled' | 'revision' | 'rateLimit' | 'deletedAt'>>();
    return { enabled: (doc?.enabled ?? true) && !doc?.deletedAt, revision: doc?.revision ?? 0, rateLimit: copyRateLimit(doc?.rateLimit) };
  }

  /**
   * Sets the fields with their events, if nobody wrote the account since `current` was read (and it
   * is not deleted); `null` otherwise: re-read and decide again.
   */
  change(current: Account, fields: AccountFields, change: { events: ChangeEvent[]; now: Date }): Promise<Account | null> {
    return this.update(current, { $set: { ...fields } }, change);
  }

  /** Stops the account for good and marks it deleted, with its events, on the same terms as `change`. */
  markDeleted(current: Account, change: { events: ChangeEvent[]; now: Date }): Promise<Account | null> {
    return this.update(current, { $set: { enabled: false, deletedAt: change.now } }, change);
  }

  /** Notes that the credential service destroyed the account's data key. */
  async markCredentialsShredded(id: string, now: Date): Promise<void> {
    await exclusiveWrite(this.model, () => this.model.updateOne({ _id: id }, { $set: { credentialsShreddedAt: now } }));
  }

  private async update(current: Account, update: { $set: Record<string, unknown> }, { events, now }: { events: ChangeEvent[]; now: Date }): Promise<Account | null> {
    // Documents written before accounts had a revision have none: that is revision 0.
    const revision = current.revision === 0 ? { $or: [{ revision: 0 }, { revision: { $exists: false } }] } : { revision: current.revision };
    const filter = { _id: current._id, deletedAt: null, ...revision };
    const updated = await exclusiveWrite(this.model, () =>
      this.model
        .findOneAndUpdate(filter, { $set: { ...update.$set, updatedAt: now }, $inc: { revision: 1 }, $push: { outbox: { $each: events } } }, { returnDocument: 'after' })
        .lean<AccountDoc>()
        .exec(),
    );
    return updated ? withDefaults(updated) : null;
  }
}
