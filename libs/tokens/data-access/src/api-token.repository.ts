import { escapeRegex } from './escape-regex';
import type { Connection, Model } from 'mongoose';
import type { ChangeEvent } from '@warden/contracts-events';
import { apiTokenModel, type ApiTokenDoc } from './api-token.model';
import { withLastUsed } from './api-token-last-used.model';
import { exclusiveWrite } from '@warden/data';

export type NewApiToken = Omit<ApiTokenDoc, 'outbox' | 'authVersion' | 'revision' | 'lastUsedAt' | 'deletedAt' | 'previousSecrets'>;

/** The fields a change may set; the secret fields only through `rotate`. */
export type ApiTokenChanges = Partial<
  Pick<ApiTokenDoc, 'name' | 'enabled' | 'scopes' | 'allowedIps' | 'expiresAt' | 'rateLimit' | 'secretHash' | 'hint' | 'previousSecrets' | 'sealedSecret'>
>;

export interface ListPosition {
  createdAt: Date;
  id: string;
}


/**
 * API tokens. Every write is one single-document operation that also pushes the change's event to
 * the document's outbox, and is conditional on the revision it read, so the event's "prior" is
 * exactly what it replaced. A `null` result means someone else wrote first: re-read and retry.
 */
export class ApiTokenRepository {
  readonly model: Model<ApiTokenDoc>;

  constructor(private readonly connection: Connection) {
    this.model = apiTokenModel(connection);
  }

  async insert(token: NewApiToken, event: ChangeEvent): Promise<ApiTokenDoc> {
    const doc: ApiTokenDoc = {
      ...token,
      previousSecrets: [],
      authVersion: 1,
      revision: 1,
      lastUsedAt: null,
      deletedAt: null,
      outbox: [event],
    };
    await exclusiveWrite(this.model, () => this.model.create(doc));
    return doc;
  }

  /** A live (not revoked) token of this account; another account's token is simply absent. */
  async findForAccount(accountId: string, id: string): Promise<ApiTokenDoc | null> {
    const token = await this.model.findOne({ _id: id, accountId, deletedAt: null }).lean<ApiTokenDoc>();
    return token ? (await withLastUsed(this.connection, [token]))[0] : null;
  }

  /** How many live (not revoked) tokens the account holds. */
  async countLive(accountId: string): Promise<number> {
    return this.model.countDocuments({ accountId, deletedAt: null });
  }

  /** Newest first, after `position` when given; `name` matches literally, case-insensitively. */
  async list({ accountId, name, after, limit }: { accountId: string; name?: string; after?: ListPosition; limit: number }): Promise<ApiTokenDoc[]> {
    const filter: Record<string, unknown> = { accountId, deletedAt: null };
    if (name) filter.name = { $regex: escapeRegex(name), $options: 'i' };
    if (after) {
      filter.$or = [{ createdAt: { $lt: after.createdAt } }, { createdAt: after.createdAt, _id: { $lt: after.id } }];
    }
    return withLastUsed(this.connection, await this.model.find(filter).sort({ createdAt: -1, _id: -1 }).limit(limit).lean<ApiTokenDoc[]>());
  }

  /** Current secret or a previous one (expired or not: the caller decides); tombstones included. */
  async findBySecretHash(hash: string): Promise<ApiTokenDoc | null> {
    return this.model.findOne({ $or: [{ secretHash: hash }, { 'previousSecrets.hash': hash }] }).lean<ApiTokenDoc>();
  }

  async update(
    current: ApiTokenDoc,
    changes: ApiTokenChanges,
    { event, bumpAuthVersion, now }: { event: ChangeEvent; bumpAuthVersion: boolean; now: Date },
  ): Promise<ApiTokenDoc | null> {
    return this.writeIfUnchanged(current, {
      $set: { ...changes, updatedAt: now },
      $inc: { revision: 1, authVersion: bumpAuthVersion ? 1 : 0 },
      $push: { outbox: event },
    });
  }

  /** Records an event about the token without changing it (a reveal); false when it is gone (revoked). */
  async appendEvent(current: Pick<ApiTokenDoc, '_id' | 'accountId'>, event: ChangeEvent): Promise<boolean> {
    const filter = { _id: current._id, accountId: current.accountId, deletedAt: null };
    const result = await exclusiveWrite(this.model, () => this.model.updateOne(filter, { $push: { outbox: event } }).exec());
    return result.matchedCount === 1;
  }

  /**
   * Revocation leaves a tombstone that carries the "Deleted" event until the relay has published it,
   * and stays until `releaseTombstone` (once "revoked" is stored in Redis). A recoverable token's
   * sealed secret goes at once.
   */
  async revoke(current: ApiTokenDoc, { event, now }: { event: ChangeEvent; now: Date }): Promise<ApiTokenDoc | null> {
    return this.writeIfUnchanged(current, {
      $unset: { sealedSecret: '' },
      $set: { deletedAt: now, enabled: false, updatedAt: now, keepTombstone: true },
      $inc: { revision: 1, authVersion: 1 },
      $push: { outbox: event },
    });
  }

  /** A revoked token of this account whose revocation is not known to be in force everywhere yet (its tombstone is kept). */
  async findKeptTombstone(accountId: string, id: string): Promise<ApiTokenDoc | null> {
    return this.model.findOne({ _id: id, accountId, deletedAt: { $ne: null }, keepTombstone: true }).lean<ApiTokenDoc>();
  }

  /** Once the revocation is in force everywhere: the tombstone goes as soon as its event is out too (now, or by the relay). */
  async releaseTombstone(id: string): Promise<void> {
    await exclusiveWrite(this.model, async () => {
      await this.model.updateOne({ _id: id, deletedAt: { $ne: null } }, { $set: { keepTombstone: false } });
      await this.model.deleteOne({ _id: id, deletedAt: { $ne: null }, 'outbox.0': { $exists: false } });
    });
  }

  /** The ids of an account's revoked tokens whose revocation is not known to be in force everywhere yet (tombstones kept). */
  async keptTombstoneIdsOfAccount(accountId: string): Promise<string[]> {
    const docs = await this.model.find({ accountId, deletedAt: { $ne: null }, keepTombstone: true }, { _id: 1 }).lean<{ _id: string }[]>();
    return docs.map((doc) => doc._id);
  }

  /** The ids of an account's live (not revoked) tokens, for marking them all at once. */
  async liveIdsOfAccount(accountId: string): Promise<string[]> {
    const docs = await this.model.find({ accountId, deletedAt: null }, { _id: 1 }).lean<{ _id: string }[]>();
    return docs.map((doc) => doc._id);
  }

  private async writeIfUnchanged(current: ApiTokenDoc, update: Record<string, unknown>): Promise<ApiTokenDoc | null> {
    const filter = { _id: current._id, accountId: current.accountId, deletedAt: null, revision: current.revision };
    const updated = await exclusiveWrite(this.model, () => this.model.findOneAndUpdate(filter, update, { returnDocument: 'after' }).lean<ApiTokenDoc>().exec());
    return updated ? { ...updated, lastUsedAt: current.lastUsedAt } : null;
  }
}
