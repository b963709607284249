import { Schema, type Connection, type Model } from 'mongoose';
import { refuseChanges } from './audit-record.model';

/** A signed statement of an account's chain head, exactly as signed (time kept as the signed text). */
export interface AuditCheckpointDoc {
  accountId: string;
  seq: number;
  hash: string;
  time: string;
  signature: string;
  keyId: string;
}

export const auditCheckpointSchema = new Schema<AuditCheckpointDoc>(
  {
    accountId: { type: String, required: true },
    seq: { type: Number, required: true },
    hash: { type: String, required: true },
    time: { type: String, required: true },
    signature: { type: String, required: true },
    keyId: { type: String, required: true },
  },
  { collection: 'audit_checkpoints', versionKey: false, strict: 'throw' },
);
// One checkpoint per head: replicas that sign the same head at once store it once.
auditCheckpointSchema.index({ accountId: 1, seq: 1 }, { unique: true });
refuseChanges(auditCheckpointSchema, 'AuditCheckpoint');

export function auditCheckpointModel(connection: Connection): Model<AuditCheckpointDoc> {
  return (
    (connection.models.AuditCheckpoint as Model<AuditCheckpointDoc> | undefined) ??
    connection.model<AuditCheckpointDoc>('AuditCheckpoint', auditCheckpointSchema)
  );
}
