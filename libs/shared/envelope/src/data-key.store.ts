import type { Model } from 'mongoose';
import { exclusiveWrite, isDuplicateKeyError } from '@warden/data';
import type { DataKeyDocument } from './data-key.model';
import type { WrappedDataKey } from './key-ring';

/** Live data keys wrapped by another ring key than `keyId`. */
const toRewrap = (keyId: string) => ({ destroyedAt: null, wrapped: { $exists: true }, 'wrapped.keyId': { $ne: keyId } });

/** One service's data keys: single-document writes only, race-safe without transactions (FerretDB too). */
export class DataKeyStore {
  constructor(readonly model: Model<DataKeyDocument>) {}

  /** The account's data key document (live or destroyed), or null before its first sealed write. */
  findDataKey(accountId: string): Promise<DataKeyDocument | null> {
    return this.model.findOne({ _id: accountId }).lean<DataKeyDocument>().exec();
  }

  /**
   * Stores a new data key for its account unless one exists: on a duplicate key (another request or
   * replica created one first) the stored one is returned instead.
   */
  async insertDataKey(document: DataKeyDocument): Promise<DataKeyDocument> {
    try {
      await exclusiveWrite(this.model, () => this.model.collection.insertOne(document as any));
      return document;
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      const winner = await this.findDataKey(document._id);
      if (!winner) throw error;
      return winner;
    }
  }

  /** Live data keys to re-wrap under `keyId`, in account id order from `afterId`. */
  findDataKeysToRewrap(keyId: string, afterId: string | undefined, limit: number): Promise<DataKeyDocument[]> {
    const filter: Record<string, unknown> = toRewrap(keyId);
    if (afterId !== undefined) filter._id = { $gt: afterId };
    return this.model.find(filter).sort({ _id: 1 }).limit(limit).lean<DataKeyDocument[]>().exec();
  }

  countDataKeysToRewrap(keyId: string): Promise<number> {
    return this.model.countDocuments(toRewrap(keyId)).exec();
  }

  /** Replaces a data key's wrapping, only if it is still the live key and wrapping it was read with. */
  async rewrapDataKey(document: Pick<DataKeyDocument, '_id' | 'dataKeyId' | 'wrapped'>, wrapped: WrappedDataKey, now: Date): Promise<boolean> {
    const filter = { _id: document._id, dataKeyId: document.dataKeyId, destroyedAt: null, 'wrapped.keyId': document.wrapped?.keyId, 'wrapped.iv': document.wrapped?.iv };
    const result = await exclusiveWrite(this.model, () => this.model.collection.updateOne(filter as any, { $set: { wrapped, rewrappedAt: now } }));
    return result.matchedCount === 1;
  }

  /**
   * Crypto-shredding: drops the account's wrapped data key for good, keeping a tombstone (with the
   * key's id, or `none` when the account had no key yet) so that no new key is created for the
   * account. True when a live key was destroyed by this call.
   */
  async destroyDataKey(accountId: string, now: Date = new Date()): Promise<boolean> {
    let destroyed: boolean | undefined;
    while (destroyed === undefined) {
      const result = await exclusiveWrite(this.model, () =>
        this.model.collection.updateOne({ _id: accountId, destroyedAt: null } as any, { $set: { destroyedAt: now }, $unset: { wrapped: '' } }),
      );
      if (result.matchedCount === 1) destroyed = true;
      else if (await this.findDataKey(accountId)) destroyed = false;
      else {
        try {
          // No key yet: a tombstone, so that none is created later either.
          await exclusiveWrite(this.model, () => this.model.collection.insertOne({ _id: accountId, dataKeyId: 'none', createdAt: now, destroyedAt: now } as any));
          destroyed = false;
        } catch (error) {
          if (!isDuplicateKeyError(error)) throw error;
        }
      }
    }
    return destroyed;
  }
}
