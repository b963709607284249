import type { Connection, Model } from 'mongoose';
import type { AuditCheckpoint } from '@warden/audit-client';
import { isDuplicateKeyError } from '@warden/data';
import { auditCheckpointModel, type AuditCheckpointDoc } from './audit-checkpoint.model';

const PROJECTION = { _id: 0, accountId: 1, seq: 1, hash: 1, time: 1, signature: 1, keyId: 1 };

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
  async insert(checkpoint: AuditCheckpoint): Promise<boolean> {
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
