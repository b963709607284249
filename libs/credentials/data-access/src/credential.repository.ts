import type { Connection, Model } from 'mongoose';
import type { ChangeEvent } from '@warden/contracts-events';
import { exclusiveWrite, isDuplicateKeyError } from '@warden/data';
import { DATA_KEY_PREFIX, DataKeyStore, type DataKeyDocument, type WrappedDataKey } from '@warden/envelope';
import { credentialModel, type CredentialDocument } from './credential.model';
import { dataKeyModel } from './data-key.model';

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

export { DATA_KEY_PREFIX } from '@warden/envelope';

/**
 * Credentials not (yet) under their account's data key: key ids outside `dk:…` (a plain range, since
 * FerretDB's regular expressions cannot say "does not start with"; ';' follows ':'), and those
 * written before secrets versions existed.
 */
const toReseal = () => ({ $or: [{ keyId: { $lt: DATA_KEY_PREFIX } }, { keyId: { $gte: 'dk;' } }, { keyId: { $exists: false } }, { secretsVersion: { $exists: false } }] });

/**
 * Every read is scoped to one account and skips tombstones; every write is a single-document
 * operation that carries its own audit event in the document's outbox.
 */
export class CredentialRepository {
  readonly model: Model<CredentialDocument>;
  /** One wrapped data key per account (`credential_data_keys`). */
  readonly dataKeys: Model<DataKeyDocument>;
  private readonly keys: DataKeyStore;

  constructor(connection: Connection) {
    this.model = credentialModel(connection);
    this.dataKeys = dataKeyModel(connection);
    this.keys = new DataKeyStore(this.dataKeys);
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
    return this.keys.findDataKey(accountId);
  }

  /** Stores a new data key for its account unless one exists (then the stored one is returned). */
  insertDataKey(document: DataKeyDocument): Promise<DataKeyDocument> {
    return this.keys.insertDataKey(document);
  }

  /** Live data keys to re-wrap under `keyId`, in account id order from `afterId`. */
  findDataKeysToRewrap(keyId: string, afterId: string | undefined, limit: number): Promise<DataKeyDocument[]> {
    return this.keys.findDataKeysToRewrap(keyId, afterId, limit);
  }

  countDataKeysToRewrap(keyId: string): Promise<number> {
    return this.keys.countDataKeysToRewrap(keyId);
  }

  /** Replaces a data key's wrapping, only if it is still the live key and wrapping it was read with. */
  rewrapDataKey(document: Pick<DataKeyDocument, '_id' | 'dataKeyId' | 'wrapped'>, wrapped: WrappedDataKey, now: Date): Promise<boolean> {
    return this.keys.rewrapDataKey(document, wrapped, now);
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
    const destroyed = await this.keys.destroyDataKey(accountId, now);
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
