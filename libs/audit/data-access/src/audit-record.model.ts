import { Schema, type Connection, type Model } from 'mongoose';
import type { Actor, AuditType } from '@warden/contracts-events';

/**
 * One stored link of an account's chain. `canonical` is the exact text that was hashed; the other
 * content fields repeat it so records can be filtered and read, and verification checks that they
 * still say what the canonical text says.
 */
export interface AuditRecordDoc {
  /** The record id (a UUID), also the contract's `id`. */
  _id: string;
  accountId: string;
  seq: number;
  timestamp: Date;
  objectType: string;
  auditType: AuditType;
  objectId: string;
  username: string;
  actor: Actor;
  remoteIp: string | null;
  detail: Record<string, unknown>;
  prevHash: string;
  hash: string;
  canonical: string;
  /** The change event this record was written from: unique, which makes the consumer idempotent. */
  eventId: string;
  /** HMAC of (accountId, seq, hash) under a key only the audit service holds: a record written around it has none. */
  seal: string;
}

/**
 * A record as stored: the canonical text, with only the fields that are looked up or linked
 * repeated beside it, and the keys it is read by (record-layout.ts), derived when it is written.
 * The username, actor, remote address and detail are read from the canonical text: the store
 * decodes every field of every document it returns, and these made most of them.
 */
export interface StoredAuditRecordDoc extends Omit<AuditRecordDoc, StoredOnlyInCanonical> {
  /** `<accountId>:<tile>`: the 256 consecutive records this one is read with. */
  tile: string;
  /** The values the actor filter matches: the actor's id and name, and the username. */
  actors: string[];
}

/** The content fields kept in the canonical text alone. */
export const STORED_ONLY_IN_CANONICAL = ['username', 'actor', 'remoteIp', 'detail'] as const;
export type StoredOnlyInCanonical = (typeof STORED_ONLY_IN_CANONICAL)[number];

export class ImmutableAuditRecordError extends Error {
  constructor(operation: string) {
    super(`Audit records are append-only: ${operation} is refused`);
    this.name = 'ImmutableAuditRecordError';
  }
}

export const auditRecordSchema = new Schema<StoredAuditRecordDoc>(
  {
    _id: { type: String, required: true },
    accountId: { type: String, required: true },
    seq: { type: Number, required: true },
    timestamp: { type: Date, required: true },
    objectType: { type: String, required: true },
    auditType: { type: String, required: true },
    objectId: { type: String, required: true },
    prevHash: { type: String, required: true },
    hash: { type: String, required: true },
    canonical: { type: String, required: true },
    eventId: { type: String, required: true },
    seal: { type: String, required: true },
    tile: { type: String, required: true },
    actors: { type: [String], required: true },
  },
  { collection: 'audit_records', versionKey: false, id: false, minimize: false, strict: 'throw' },
);

// Every read is an equality on the leading field of one of these (record-layout.ts).
// One chain per account with no fork and no gap: two writers can never both insert the same seq.
// Seq leads: an equality on it names one record per account.
auditRecordSchema.index({ seq: 1, accountId: 1 }, { unique: true });
// A redelivered event can never become a second record.
auditRecordSchema.index({ eventId: 1 }, { unique: true });
auditRecordSchema.index({ tile: 1 });
auditRecordSchema.index({ objectId: 1, accountId: 1 });

const REFUSED_QUERIES = [
  'updateOne',
  'updateMany',
  'replaceOne',
  'findOneAndUpdate',
  'findOneAndReplace',
  'findOneAndDelete',
  'deleteOne',
  'deleteMany',
] as const;

/** Append-only in code too: every update or delete through the model throws before reaching the database. */
function refuseChanges(schema: Schema<any>, what: string): void {
  for (const operation of REFUSED_QUERIES) {
    schema.pre(operation, { query: true, document: false }, () => {
      throw new ImmutableAuditRecordError(`${what}.${operation}`);
    });
  }
  schema.pre('deleteOne', { document: true, query: false }, () => {
    throw new ImmutableAuditRecordError(`${what}.deleteOne`);
  });
  schema.pre('updateOne', { document: true, query: false }, () => {
    throw new ImmutableAuditRecordError(`${what}.updateOne`);
  });
  schema.pre('save', function () {
    if (!this.isNew) throw new ImmutableAuditRecordError(`${what}.save of an existing document`);
  });
  schema.pre('bulkWrite', () => {
    throw new ImmutableAuditRecordError(`${what}.bulkWrite`);
  });
}
refuseChanges(auditRecordSchema, 'AuditRecord');

export function auditRecordModel(connection: Connection): Model<StoredAuditRecordDoc> {
  return (
    (connection.models.AuditRecord as Model<StoredAuditRecordDoc> | undefined) ?? connection.model<StoredAuditRecordDoc>('AuditRecord', auditRecordSchema)
  );
}

export { refuseChanges };
