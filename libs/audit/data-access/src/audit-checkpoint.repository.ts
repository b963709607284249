import type { Connection, Model } from 'mongoose';
import type { AuditCheckpoint } from '@warden/audit-client';
import { isDuplicateKeyError } from '@warden/data';
import { auditCheckpointModel, type AuditCheckpointDoc } from './audit-checkpoint.model';

const PROJECTION = { _id: 0, accountId: 1, seq: 1, hash: 1, time: 1, signature: 1, keyId: 1, treeSize: 1, rootHash: 1, note: 1 };

/** A checkpoint as the checkpointer keeps it: the contract's fields and the tree's compact range. */
export type StoredCheckpoint = AuditCheckpoint & Pick<AuditCheckpointDoc, 'range'>;

export class AuditCheckpointRepository {
  readonly model: Model<AuditCheckpointDoc>;

  constructor(connection: Connection) {
    this.model = auditCheckpointModel(connection);
  }

  async init(): Promise<void> {
    await this.model.init();
    await this.model.createIndexes();
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

  /** The oldest checkpoint that carries a tree (when the current key started signing this account's notes). */
  async firstTree(accountId: string): Promise<AuditCheckpoint | null> {
    return this.model.findOne({ accountId, treeSize: { $exists: true } }, PROJECTION).sort({ seq: 1 }).lean<AuditCheckpoint>();
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
