import { Schema, type Connection, type Model } from 'mongoose';
import type { WrappedDataKey } from './credential-cipher';

/**
 * An account's credential data key (envelope encryption): 32 random bytes that seal the account's
 * secret fields, stored only wrapped by a key of the ring (`wrapped.keyId`), bound to the account
 * and `dataKeyId`. One document per account (`_id` = account id), created on its first credential
 * write. Destroying it (crypto-shredding) drops `wrapped` and keeps the id with `destroyedAt`, so
 * no new key is created for the account and its credentials say why they cannot be read.
 */
export interface DataKeyDocument {
  _id: string;
  dataKeyId: string;
  wrapped?: WrappedDataKey;
  createdAt: Date;
  rewrappedAt?: Date;
  destroyedAt: Date | null;
}

const dataKeySchema = new Schema<DataKeyDocument>(
  {
    _id: { type: String, required: true },
    dataKeyId: { type: String, required: true },
    wrapped: { type: Schema.Types.Mixed },
    createdAt: { type: Date, required: true },
    rewrappedAt: { type: Date },
    destroyedAt: { type: Date, default: null },
  },
  { collection: 'credential_data_keys', versionKey: false, minimize: false, strict: true },
);

dataKeySchema.index({ 'wrapped.keyId': 1 }, { name: 'wrapping_key_id' });

export function dataKeyModel(connection: Connection): Model<DataKeyDocument> {
  return (connection.models.CredentialDataKey as Model<DataKeyDocument> | undefined) ?? connection.model<DataKeyDocument>('CredentialDataKey', dataKeySchema);
}
