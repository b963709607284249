import { Schema, type Connection, type Model } from 'mongoose';
import { refuseChanges } from './audit-record.model';

/**
 * A witness's cosignature (c2sp.org/tlog-cosignature, cosignature/v1) of one signed checkpoint of
 * an account's log. One document per (account, tree size, witness key), written once: FerretDB has
 * no multi-document transactions and does not make concurrent updates of one document atomic, so
 * cosignatures are never pushed onto the checkpoint itself.
 */
export interface AuditCosignatureDoc {
  accountId: string;
  treeSize: number;
  /** The witness key's note identity, `<name>+<8 hex digits key id>`. */
  witnessKeyId: string;
  /** The witness's verifier key (`<name>+<key id>+<base64(0x04 || public key)>`). */
  witness: string;
  /** The signature line, `— <name> <base64(key id || timestamp || signature)>`. */
  cosignature: string;
  /** The time the witness signed (POSIX seconds), as the cosignature carries it. */
  timestamp: number;
  createdAt: Date;
}

export const auditCosignatureSchema = new Schema<AuditCosignatureDoc>(
  {
    accountId: { type: String, required: true },
    treeSize: { type: Number, required: true },
    witnessKeyId: { type: String, required: true },
    witness: { type: String, required: true },
    cosignature: { type: String, required: true },
    timestamp: { type: Number, required: true },
    createdAt: { type: Date, required: true },
  },
  { collection: 'audit_cosignatures', versionKey: false, strict: 'throw' },
);
// Insert-once: a witness key cosigns a checkpoint once; a second attempt finds the first.
auditCosignatureSchema.index({ accountId: 1, treeSize: 1, witnessKeyId: 1 }, { unique: true });
refuseChanges(auditCosignatureSchema, 'AuditCosignature');

export function auditCosignatureModel(connection: Connection): Model<AuditCosignatureDoc> {
  return (
    (connection.models.AuditCosignature as Model<AuditCosignatureDoc> | undefined) ??
    connection.model<AuditCosignatureDoc>('AuditCosignature', auditCosignatureSchema)
  );
}
