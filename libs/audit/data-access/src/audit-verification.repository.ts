import { Schema, type Connection, type Model } from 'mongoose';

export type AuditVerificationStatus = 'running' | 'done' | 'failed';

/**
 * A full verification of one account's log run as a job (`POST /audit/verifications`). Written by
 * the one process that runs it, so each document has a single writer (FerretDB v1 does not apply
 * concurrent updates of one document atomically).
 */
export interface AuditVerificationDoc {
  _id: string;
  accountId: string;
  status: AuditVerificationStatus;
  /** Records checked so far. */
  checked: number;
  /** The chain's head when the job started: about how many records it will check. */
  total: number;
  /** `GET /audit/verify`'s answer, once done. */
  result: Record<string, unknown> | null;
  /** Why the job could not finish (not a verification failure: that is a result). */
  error: string | null;
  createdAt: Date;
  updatedAt: Date;
}

const schema = new Schema<AuditVerificationDoc>(
  {
    _id: { type: String, required: true },
    accountId: { type: String, required: true },
    status: { type: String, required: true },
    checked: { type: Number, required: true },
    total: { type: Number, required: true },
    result: { type: Schema.Types.Mixed, default: null },
    error: { type: String, default: null },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'audit_verifications', versionKey: false, minimize: false },
);
schema.index({ accountId: 1, createdAt: -1 });

export class AuditVerificationRepository {
  readonly model: Model<AuditVerificationDoc>;

  constructor(connection: Connection) {
    this.model = (connection.models.AuditVerification as Model<AuditVerificationDoc> | undefined) ?? connection.model<AuditVerificationDoc>('AuditVerification', schema);
  }

  async init(): Promise<void> {
    await this.model.init();
    await this.model.createIndexes();
  }

  async create(doc: AuditVerificationDoc): Promise<void> {
    await this.model.collection.insertOne(doc as never);
  }

  async update(id: string, changes: Partial<Pick<AuditVerificationDoc, 'status' | 'checked' | 'result' | 'error'>>, now = new Date()): Promise<void> {
    await this.model.updateOne({ _id: id }, { $set: { ...changes, updatedAt: now } });
  }

  /** The job, for its own account only. */
  async get(accountId: string, id: string): Promise<AuditVerificationDoc | null> {
    return this.model.findOne({ _id: id, accountId }).lean<AuditVerificationDoc>();
  }
}
