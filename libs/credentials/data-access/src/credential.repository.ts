import type { Connection, Model } from 'mongoose';
import type { ChangeEvent } from '@warden/contracts-events';
import { exclusiveWrite, isDuplicateKeyError } from '@warden/data';
import { credentialModel, type CredentialDocument } from './credential.model';
import type { WrappedDataKey } from './credential-cipher';
import { dataKeyModel, type DataKeyDocument } from './data-key.model';

export class DuplicateMonikerError extends Error {
  constructor(readonly moniker: string) {
    super(`A credential with the moniker ${moniker} already exists.`);
    this.name = 'DuplicateMonikerError';
  }
}

export interface ListPosition {
  createdAt: Date;
  id: string;
}

/** The fields an update may set; the event that describes it is pushed in the same write. */
export type CredentialChanges = Partial<Pick<CredentialDocument, 'name' | 'properties' | 'secrets' | 'hints' | 'keyId' | 'secretsVersion' | 'updatedAt'>>;

const ACTIVE = { deletedAt: null };

/** The prefix of the key id of fields sealed under their account's data key (`dk:<dataKeyId>`). */
export const DATA_KEY_PREFIX = 'dk:';

/**
 * Credentials not (yet) under their account's data key: key ids outside `dk:…` (a plain range, since
 * FerretDB's regular expressions cannot say "does not start with"; ';' follows ':'), and those
 * written before secrets versions existed.
 */
const toReseal = () => ({ $or: [{ keyId: { $lt: DATA_KEY_PREFIX } }, { keyId: { $gte: 'dk;' } }, { keyId: { $exists: false } }, { secretsVersion: { $exists: false } }] });

/** Live data keys wrapped by another ring key than `keyId`. */
const toRewrap = (keyId: string) => ({ destroyedAt: null, wrapped: { $exists: true }, 'wrapped.keyId': { $ne: keyId } });

/**
 * Every read is scoped to one account and skips tombstones; every write is a single-document
 * operation that carries its own audit event in the document's outbox.
 */
export class CredentialRepository {
  readonly model: Model<CredentialDocument>;
  /** One wrapped data key per account (`credential_data_keys`). */
  readonly dataKeys: Model<DataKeyDocument>;

  constructor(connection: Connection) {
    this.model = credentialModel(connection);
    this.dataKeys = dataKeyModel(connection);
  }

  /** Builds the indexes (above all the unique moniker index) before the first write relies on them. */
  async init(): Promise<void> {
    await this.model.init();
    await this.dataKeys.init();
  }

  /** Every write goes through `exclusiveWrite`; true when the filter matched the document. */
  private async updateOne(filter: Record<string, unknown>, update: Record<string, unknown>): Promise<boolean> {
    const result = await exclusiveWrite(this.model, () => this.model.collection.updateOne(filter as any, update as any));
    return result.matchedCount === 1;
  }

  async insert(document: CredentialDocument): Promise<void> {
    try {
      await exclusiveWrite(this.model, () => this.model.collection.insertOne(document as any));
    } catch (error) {
      if (isDuplicateKeyError(error)) throw new DuplicateMonikerError(document.moniker);
      throw error;
    }
  }

  findById(accountId: string, id: string): Promise<CredentialDocument | null> {
    return this.model.findOne({ _id: id, accountId, ...ACTIVE }, { outbox: 0 }).lean<CredentialDocument>().exec();
  }

  findByMoniker(accountId: string, moniker: string): Promise<CredentialDocument | null> {
    return this.model.findOne({ accountId, moniker, ...ACTIVE }, { outbox: 0 }).lean<CredentialDocument>().exec();
  }

  /** Newest first, keyed on (createdAt, id) so pages stay stable while credentials are added. */
  list(accountId: string, limit: number, after?: ListPosition): Promise<Pick<CredentialDocument, '_id' | 'name' | 'moniker' | 'type' | 'createdAt' | 'updatedAt'>[]> {
    const filter: Record<string, unknown> = { accountId, ...ACTIVE };
    if (after) {
      filter.$or = [{ createdAt: { $lt: after.createdAt } }, { createdAt: after.createdAt, _id: { $lt: after.id } }];
    }
    return this.model
      .find(filter, { _id: 1, name: 1, moniker: 1, type: 1, createdAt: 1, updatedAt: 1 })
      .sort({ createdAt: -1, _id: -1 })
      .limit(limit)
      .lean<Pick<CredentialDocument, '_id' | 'name' | 'moniker' | 'type' | 'createdAt' | 'updatedAt'>[]>()
      .exec();
  }

  /** Applies `changes` if nobody else wrote since `version` was read; false when the document moved on. */
  update(accountId: string, id: string, version: number, changes: CredentialChanges, event: ChangeEvent): Promise<boolean> {
    return this.updateOne({ _id: id, accountId, version, ...ACTIVE }, { $set: changes, $inc: { version: 1 }, $push: { outbox: event } });
  }

  /**
   * Turns the credential into a tombstone: secrets and hints are dropped at once, the moniker is
   * renamed so that it can be reused, and the relay removes the tombstone after publishing.
   */
  tombstone(accountId: string, id: string, version: number, moniker: string, event: ChangeEvent, now: Date): Promise<boolean> {
    return this.updateOne(
      { _id: id, accountId, version, ...ACTIVE },
      {
        $set: { deletedAt: now, updatedAt: now, moniker: `${moniker}~deleted~${id}`, deletedMoniker: moniker, secrets: {}, hints: {} },
        $inc: { version: 1 },
        $push: { outbox: event },
      },
    );
  }

  /** Records an event about the credential without changing it (a reveal); false when it is gone. */
  appendEvent(accountId: string, id: string, event: ChangeEvent): Promise<boolean> {
    return this.updateOne({ _id: id, accountId, ...ACTIVE }, { $push: { outbox: event } });
  }

  /**
   * Live credentials to re-seal, in id order from `afterId`: those whose secrets are sealed directly
   * under a ring key rather than their account's data key, and those written before secrets
   * versions existed (no `secretsVersion`).
   */
  findToReseal(afterId: string | undefined, limit: number): Promise<CredentialDocument[]> {
    const filter: Record<string, unknown> = { ...toReseal(), ...ACTIVE };
    if (afterId !== undefined) filter._id = { $gt: afterId };
    return this.model.find(filter, { outbox: 0 }).sort({ _id: 1 }).limit(limit).lean<CredentialDocument[]>().exec();
  }

  countToReseal(): Promise<number> {
    return this.model.countDocuments({ ...toReseal(), ...ACTIVE }).exec();
  }

  /**
   * Re-sealed secrets for one credential, with the secrets version they were sealed under, in one
   * write; only if it is still under the key (and version) it was read with.
   */
  replaceKey(
    document: Pick<CredentialDocument, '_id' | 'accountId' | 'version' | 'keyId'>,
    secrets: CredentialDocument['secrets'],
    keyId: string,
    secretsVersion: number,
    event: ChangeEvent,
  ): Promise<boolean> {
    return this.updateOne(
      { _id: document._id, accountId: document.accountId, version: document.version, keyId: document.keyId, ...ACTIVE },
      { $set: { secrets, keyId, secretsVersion }, $inc: { version: 1 }, $push: { outbox: event } },
    );
  }

  /** The account's data key document (live or destroyed), or null before its first credential write. */
  findDataKey(accountId: string): Promise<DataKeyDocument | null> {
    return this.dataKeys.findOne({ _id: accountId }).lean<DataKeyDocument>().exec();
  }

  /**
   * Stores a new data key for its account unless one exists: on a duplicate key (another request or
   * replica created one first) the stored one is returned instead. No transaction and no update of a
   * shared document, so it is race-safe on FerretDB too.
   */
  async insertDataKey(document: DataKeyDocument): Promise<DataKeyDocument> {
    try {
      await exclusiveWrite(this.dataKeys, () => this.dataKeys.collection.insertOne(document as any));
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
    return this.dataKeys.find(filter).sort({ _id: 1 }).limit(limit).lean<DataKeyDocument[]>().exec();
  }

  countDataKeysToRewrap(keyId: string): Promise<number> {
    return this.dataKeys.countDocuments(toRewrap(keyId)).exec();
  }

  /** Replaces a data key's wrapping, only if it is still the live key and wrapping it was read with. */
  async rewrapDataKey(document: Pick<DataKeyDocument, '_id' | 'dataKeyId' | 'wrapped'>, wrapped: WrappedDataKey, now: Date): Promise<boolean> {
    const filter = { _id: document._id, dataKeyId: document.dataKeyId, destroyedAt: null, 'wrapped.keyId': document.wrapped?.keyId, 'wrapped.iv': document.wrapped?.iv };
    const result = await exclusiveWrite(this.dataKeys, () => this.dataKeys.collection.updateOne(filter as any, { $set: { wrapped, rewrappedAt: now } }));
    return result.matchedCount === 1;
  }

  /**
   * Crypto-shredding: drops the account's wrapped data key for good, keeping a tombstone so that no
   * new key is created for the account. The ciphertexts of any of its credentials still sealed
   * directly under a ring key (written before data keys, not yet rekeyed) are erased as well, each
   * field left naming the destroyed data key. From then on nobody holding the key ring can decrypt
   * the account's credentials; a process that had the key unwrapped in its cache forgets it within
   * the cache's time to live (`CredentialSealer.destroyDataKey` clears its own cache at once).
   * True when a live key was destroyed.
   */
  async destroyDataKey(accountId: string, now: Date = new Date()): Promise<boolean> {
    let destroyed: boolean | undefined;
    while (destroyed === undefined) {
      const result = await exclusiveWrite(this.dataKeys, () =>
        this.dataKeys.collection.updateOne({ _id: accountId, destroyedAt: null } as any, { $set: { destroyedAt: now }, $unset: { wrapped: '' } }),
      );
      if (result.matchedCount === 1) destroyed = true;
      else if (await this.findDataKey(accountId)) destroyed = false;
      else {
        try {
          // No key yet: a tombstone, so that none is created later either.
          await exclusiveWrite(this.dataKeys, () => this.dataKeys.collection.insertOne({ _id: accountId, dataKeyId: 'none', createdAt: now, destroyedAt: now } as any));
          destroyed = false;
        } catch (error) {
          if (!isDuplicateKeyError(error)) throw error;
        }
      }
    }
    const tombstone = (await this.findDataKey(accountId)) as DataKeyDocument;
    const keyId = `${DATA_KEY_PREFIX}${tombstone.dataKeyId}`;
    for (;;) {
      const ringSealed = await this.model.find({ accountId, ...toReseal(), ...ACTIVE }, { _id: 1, version: 1, secrets: 1 }).lean<CredentialDocument[]>().exec();
      const unsealed = ringSealed.filter((document) => Object.values(document.secrets ?? {}).some((field) => !field.keyId?.startsWith(DATA_KEY_PREFIX)));
      if (unsealed.length === 0) return destroyed;
      for (const document of unsealed) {
        const erased = Object.fromEntries(Object.keys(document.secrets).map((field) => [field, { ciphertext: '', iv: '', tag: '', keyId }]));
        await this.updateOne({ _id: document._id, accountId, version: document.version, ...ACTIVE }, { $set: { secrets: erased, keyId }, $inc: { version: 1 } });
      }
    }
  }
}
