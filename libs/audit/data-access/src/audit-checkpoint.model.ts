import { Schema, type Connection, type Model } from 'mongoose';
import { refuseChanges } from './audit-record.model';

/**
 * A signed statement of an account's chain head, exactly as signed (time kept as the signed text).
 * Checkpoints signed since the Merkle tree exists also carry the tree over the same records
 * (`treeSize` = `seq`), its C2SP signed note and the compact range the next checkpoint extends.
 */
export interface AuditCheckpointDoc {
  accountId: string;
  seq: number;
  hash: string;
  time: string;
  signature: string;
  keyId: string;
  /** The number of leaves (records) of the tree; equals `seq`. */
  treeSize?: number;
  /** The RFC 9162 root hash, base64 (as in the note). */
  rootHash?: string;
  /** The C2SP signed checkpoint note (origin, tree size, root hash, signature lines). */
  note?: string;
  /** `CompactRange.serialize()` of the tree, base64: the next checkpoint appends to it. */
  range?: string;
  /**
   * The leaf hashes (hex, concatenated) of the tree's last block when it is incomplete (the size is
   * not a multiple of 256): a proof against this tree reads them here instead of the block's records.
   */
  tail?: string;
  /** `<accountId>:<n>`: the checkpoints of records n·65536+1 to (n+1)·65536 are read together (record-layout.ts). */
  bucket?: string;
}

export const auditCheckpointSchema = new Schema<AuditCheckpointDoc>(
  {
    accountId: { type: String, required: true },
    seq: { type: Number, required: true },
    hash: { type: String, required: true },
    time: { type: String, required: true },
    signature: { type: String, required: true },
    keyId: { type: String, required: true },
    treeSize: { type: Number },
    rootHash: { type: String },
    note: { type: String },
    range: { type: String },
    bucket: { type: String },
    tail: { type: String },
  },
  { collection: 'audit_checkpoints', versionKey: false, strict: 'throw' },
);
// One checkpoint per head: replicas that sign the same head at once store it once.
auditCheckpointSchema.index({ accountId: 1, seq: 1 }, { unique: true });
auditCheckpointSchema.index({ bucket: 1 });
refuseChanges(auditCheckpointSchema, 'AuditCheckpoint');

export function auditCheckpointModel(connection: Connection): Model<AuditCheckpointDoc> {
  return (
    (connection.models.AuditCheckpoint as Model<AuditCheckpointDoc> | undefined) ??
    connection.model<AuditCheckpointDoc>('AuditCheckpoint', auditCheckpointSchema)
  );
}
