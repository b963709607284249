import type { Connection, Model } from 'mongoose';
import type { AuditRecordWithCanonical, ChainHead } from '@warden/audit-client';
import type { AuditType } from '@warden/contracts-events';
import { auditRecordModel, type AuditRecordDoc } from './audit-record.model';

export interface AuditRecordFilter {
  objectType?: string;
  auditType?: AuditType;
  objectId?: string;
  /** Matches the actor's id or name, or the username. */
  actor?: string;
  from?: Date;
  to?: Date;
}

/** Where a recorded event sits: its account's chain, seq and record hash. */
export interface RecordedEventPosition {
  eventId: string;
  accountId: string;
  seq: number;
  hash: string;
}

/** A stored record as the contract shows it (with `canonical`). */
export function toAuditRecord(doc: AuditRecordDoc): AuditRecordWithCanonical {
  return {
    id: doc._id,
    seq: doc.seq,
    timestamp: doc.timestamp instanceof Date ? doc.timestamp.toISOString() : String(doc.timestamp),
    objectType: doc.objectType,
    auditType: doc.auditType,
    objectId: doc.objectId,
    username: doc.username,
    actor: doc.actor,
    remoteIp: doc.remoteIp ?? null,
    detail: doc.detail,
    prevHash: doc.prevHash,
    hash: doc.hash,
    canonical: doc.canonical,
  };
}

/**
 * The append-only store of audit records. Writes go through `insertChain` only; nothing here
 * updates or deletes, and the model refuses both.
 */
export class AuditRecordRepository {
  readonly model: Model<AuditRecordDoc>;

  constructor(connection: Connection) {
    this.model = auditRecordModel(connection);
  }

  /** Resolves once the unique indexes exist: the chain's safety depends on them, so writers wait. */
  async init(): Promise<void> {
    await this.model.init();
    await this.model.createIndexes();
  }

  async head(accountId: string): Promise<ChainHead | null> {
    const doc = await this.model.findOne({ accountId }, { seq: 1, hash: 1 }).sort({ seq: -1 }).lean<Pick<AuditRecordDoc, 'seq' | 'hash'>>();
    return doc ? { seq: doc.seq, hash: doc.hash } : null;
  }

  /**
   * Inserts consecutive links in order. A duplicate key (another writer took a seq, or an event
   * is already recorded) stops the insert at that document; the ones before it are written.
   */
  async insertChain(docs: AuditRecordDoc[]): Promise<void> {
    await this.model.collection.insertMany(docs as any[], { ordered: true });
  }

  async findByEventIds(eventIds: string[]): Promise<AuditRecordDoc[]> {
    if (eventIds.length === 0) return [];
    return this.model.find({ eventId: { $in: eventIds } }).lean<AuditRecordDoc[]>();
  }

  /** Which of `eventIds` are recorded, with where each sits in its chain: nothing of the records' content. */
  async recordedEvents(eventIds: string[]): Promise<RecordedEventPosition[]> {
    if (eventIds.length === 0) return [];
    return this.model.find({ eventId: { $in: eventIds } }, { _id: 0, eventId: 1, accountId: 1, seq: 1, hash: 1 }).lean<RecordedEventPosition[]>();
  }

  /** The record at `seq` of an account's chain: its hash, or null when there is none. */
  async hashAt(accountId: string, seq: number): Promise<string | null> {
    const doc = await this.model.findOne({ accountId, seq }, { _id: 0, hash: 1 }).lean<{ hash: string }>();
    return doc?.hash ?? null;
  }

  async findById(accountId: string, id: string): Promise<AuditRecordDoc | null> {
    return this.model.findOne({ _id: id, accountId }).lean<AuditRecordDoc>();
  }

  /** Newest first; `beforeSeq` continues a previous page. */
  async list(accountId: string, filter: AuditRecordFilter, page: { beforeSeq?: number; limit: number }): Promise<AuditRecordDoc[]> {
    const query: Record<string, any> = { accountId };
    if (filter.objectType !== undefined) query.objectType = String(filter.objectType);
    if (filter.auditType !== undefined) query.auditType = String(filter.auditType) as AuditType;
    if (filter.objectId !== undefined) query.objectId = String(filter.objectId);
    if (filter.actor !== undefined) {
      const actor = String(filter.actor);
      query.$or = [{ 'actor.id': actor }, { 'actor.name': actor }, { username: actor }];
    }
    if (filter.from || filter.to) {
      query.timestamp = {};
      if (filter.from) query.timestamp.$gte = filter.from;
      if (filter.to) query.timestamp.$lt = filter.to;
    }
    if (page.beforeSeq !== undefined) query.seq = { $lt: page.beforeSeq };
    return this.model.find(query, { canonical: 0, seal: 0 }).sort({ seq: -1 }).limit(page.limit).lean<AuditRecordDoc[]>();
  }

  /** The chain in ascending seq, read with a cursor (constant memory), optionally a segment of it. */
  streamChain(accountId: string, range: { afterSeq?: number; throughSeq?: number } = {}): AsyncIterable<AuditRecordDoc> & { close(): Promise<void> } {
    const query: Record<string, any> = { accountId };
    if (range.afterSeq !== undefined || range.throughSeq !== undefined) {
      query.seq = {};
      if (range.afterSeq !== undefined) query.seq.$gt = range.afterSeq;
      if (range.throughSeq !== undefined) query.seq.$lte = range.throughSeq;
    }
    return this.model.find(query).sort({ seq: 1 }).batchSize(1_000).lean<AuditRecordDoc>().cursor() as any;
  }

  /** The hashes (leaf hashes of the tree) of records `fromSeq`..`toSeq`, in seq order. */
  async hashesBetween(accountId: string, fromSeq: number, toSeq: number): Promise<{ seq: number; hash: string }[]> {
    return this.model
      .find({ accountId, seq: { $gte: fromSeq, $lte: toSeq } }, { _id: 0, seq: 1, hash: 1 })
      .sort({ seq: 1 })
      .lean<{ seq: number; hash: string }[]>();
  }

  /** Every account with at least one record (the checkpointer's start-up sweep). */
  async accountIds(): Promise<string[]> {
    return (await this.model.distinct('accountId')) as string[];
  }
}
