import type { Connection, Model } from 'mongoose';
import type { AuditCheckpoint } from '@warden/audit-client';
import { isDuplicateKeyError } from '@warden/data';
import { auditCheckpointModel, type AuditCheckpointDoc } from './audit-checkpoint.model';
import { auditCosignatureModel, type AuditCosignatureDoc } from './audit-cosignature.model';

const PROJECTION = { _id: 0, accountId: 1, seq: 1, hash: 1, time: 1, signature: 1, keyId: 1, treeSize: 1, rootHash: 1, note: 1 };

/** A checkpoint as the checkpointer keeps it: the contract's fields and the tree's compact range. */
export type StoredCheckpoint = AuditCheckpoint & Pick<AuditCheckpointDoc, 'range'>;

const COSIGNATURE_PROJECTION = { _id: 0, accountId: 1, treeSize: 1, witnessKeyId: 1, witness: 1, cosignature: 1, timestamp: 1, createdAt: 1 };

export class AuditCheckpointRepository {
  readonly model: Model<AuditCheckpointDoc>;
  /** Witness cosignatures of the checkpoints (collection audit_cosignatures). */
  readonly cosignatureModel: Model<AuditCosignatureDoc>;

  constructor(connection: Connection) {
    this.model = auditCheckpointModel(connection);
    this.cosignatureModel = auditCosignatureModel(connection);
  }

  async init(): Promise<void> {
    await Promise.all([this.model.init(), this.cosignatureModel.init()]);
    await Promise.all([this.model.createIndexes(), this.cosignatureModel.createIndexes()]);
  }

  /** The signed tree of exactly this size, or null. */
  async treeOfSize(accountId: string, treeSize: number): Promise<AuditCheckpoint | null> {
    return this.model.findOne({ accountId, seq: treeSize, treeSize }, PROJECTION).lean<AuditCheckpoint>();
  }

  /**
   * Stores a witness's cosignature once per (account, tree size, witness key): `inserted: false`
   * with the stored one when that key had already cosigned that checkpoint.
   */
  async insertCosignature(cosignature: AuditCosignatureDoc): Promise<{ inserted: boolean; stored: AuditCosignatureDoc }> {
    try {
      await this.cosignatureModel.collection.insertOne({ ...cosignature });
      return { inserted: true, stored: cosignature };
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      const { accountId, treeSize, witnessKeyId } = cosignature;
      const stored = await this.cosignatureModel.findOne({ accountId, treeSize, witnessKeyId }, COSIGNATURE_PROJECTION).lean<AuditCosignatureDoc>();
      if (!stored) throw error;
      return { inserted: false, stored };
    }
  }

  /** The cosignatures of the checkpoint of this size, oldest first. */
  async cosignatures(accountId: string, treeSize: number): Promise<AuditCosignatureDoc[]> {
    return this.cosignatureModel.find({ accountId, treeSize }, COSIGNATURE_PROJECTION).sort({ createdAt: 1, witnessKeyId: 1 }).limit(32).lean<AuditCosignatureDoc[]>();
  }

  /** Stores a checkpoint; false when one for the same head already exists (another replica signed it). */
  async insert(checkpoint: StoredCheckpoint): Promise<boolean> {
    try {
      await this.model.collection.insertOne({ ...checkpoint });
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  async latest(accountId: string): Promise<AuditCheckpoint | null> {
    return this.model.findOne({ accountId }, PROJECTION).sort({ seq: -1 }).lean<AuditCheckpoint>();
  }

  /** The newest checkpoint that carries a tree (a signed note), with its compact range. */
  async latestTree(accountId: string): Promise<StoredCheckpoint | null> {
    return this.model.findOne({ accountId, treeSize: { $exists: true } }, { ...PROJECTION, range: 1 }).sort({ seq: -1 }).lean<StoredCheckpoint>();
  }

  /** The oldest checkpoint that carries a tree, of any key or signed by key `keyId` (when that key started signing this account's notes). */
  async firstTree(accountId: string, keyId?: string): Promise<AuditCheckpoint | null> {
    const query: Record<string, any> = { accountId, treeSize: { $exists: true } };
    if (keyId !== undefined) query.keyId = keyId;
    return this.model.findOne(query, PROJECTION).sort({ seq: 1 }).lean<AuditCheckpoint>();
  }

  /** Every cosignature of the account's checkpoints, by tree size then oldest first (an export streams them). */
  allCosignatures(accountId: string): AsyncIterable<AuditCosignatureDoc> & { close: () => Promise<void> } {
    return this.cosignatureModel.find({ accountId }, COSIGNATURE_PROJECTION).sort({ treeSize: 1, createdAt: 1, witnessKeyId: 1 }).lean<AuditCosignatureDoc>().cursor() as any;
  }

  /** Newest first. */
  async page(accountId: string, page: { beforeSeq?: number; limit: number }): Promise<AuditCheckpoint[]> {
    const query: Record<string, any> = { accountId };
    if (page.beforeSeq !== undefined) query.seq = { $lt: page.beforeSeq };
    return this.model.find(query, PROJECTION).sort({ seq: -1 }).limit(page.limit).lean<AuditCheckpoint[]>();
  }

  /** Oldest first, optionally only those up to `throughSeq` (an export's snapshot). */
  async all(accountId: string, throughSeq?: number): Promise<AuditCheckpoint[]> {
    const query: Record<string, any> = { accountId };
    if (throughSeq !== undefined) query.seq = { $lte: throughSeq };
    return this.model.find(query, PROJECTION).sort({ seq: 1 }).lean<AuditCheckpoint[]>();
  }
}
