import { Schema, type Connection, type Model } from 'mongoose';
import type { Schemas } from '@warden/contracts-api';
import type { ChangeEvent } from '@warden/contracts-events';
import type { EncryptedField } from './credential-cipher';

export type CredentialType = Schemas['CredentialType'];

/**
 * A credential as stored. `secrets` holds one AES-256-GCM ciphertext per secret field, all sealed
 * by the key named in `keyId` (every write re-seals every field, so one credential never mixes
 * keys); `hints` holds the masked hints that reads show. A delete leaves a tombstone (`deletedAt`,
 * no secrets, moniker renamed so that it is free again) until the relay has published its event.
 */
export interface CredentialDocument {
  _id: string;
  accountId: string;
  name: string;
  moniker: string;
  /** The moniker a deleted credential had; `moniker` then holds `<moniker>~deleted~<id>`. */
  deletedMoniker?: string;
  type: CredentialType;
  properties: Record<string, unknown>;
  secrets: Record<string, EncryptedField>;
  hints: Record<string, string>;
  keyId: string;
  /**
   * Bound into every secret field's associated data: each write of the secrets seals them under a
   * new value, set in the same single-document update as the ciphertexts (conditional on `version`),
   * so a field put back from an older write no longer opens. Absent only on credentials written
   * before versions existed, whose fields carry the v1 binding until rewritten or rekeyed.
   */
  secretsVersion?: number;
  /** Optimistic concurrency: every write matches on it and increments it. */
  version: number;
  createdAt: Date;
  updatedAt: Date;
  deletedAt: Date | null;
  outbox: ChangeEvent[];
}

const credentialSchema = new Schema<CredentialDocument>(
  {
    _id: { type: String, required: true },
    accountId: { type: String, required: true },
    name: { type: String, required: true },
    moniker: { type: String, required: true },
    deletedMoniker: { type: String },
    type: { type: String, required: true },
    properties: { type: Schema.Types.Mixed, default: {} },
    secrets: { type: Schema.Types.Mixed, default: {} },
    hints: { type: Schema.Types.Mixed, default: {} },
    keyId: { type: String },
    secretsVersion: { type: Number },
    version: { type: Number, required: true, default: 0 },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    deletedAt: { type: Date, default: null },
    outbox: { type: [Schema.Types.Mixed] as any, default: [] },
  },
  { collection: 'credentials', versionKey: false, minimize: false, strict: true },
);

// FerretDB v1 implements neither partial nor (for compound keys) meaningful sparse unique indexes,
// so a tombstone frees its moniker by renaming it rather than by leaving the index.
credentialSchema.index({ accountId: 1, moniker: 1 }, { unique: true, name: 'account_moniker_unique' });
credentialSchema.index({ accountId: 1, createdAt: -1, _id: -1 }, { name: 'account_newest_first' });
credentialSchema.index({ keyId: 1 }, { name: 'key_id' });

export function credentialModel(connection: Connection): Model<CredentialDocument> {
  return (connection.models.Credential as Model<CredentialDocument> | undefined) ?? connection.model<CredentialDocument>('Credential', credentialSchema);
}
