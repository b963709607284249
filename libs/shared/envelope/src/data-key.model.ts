import { Schema, type Connection, type Model } from 'mongoose';
import type { WrappedDataKey } from './key-ring';

/**
 * An account's data key (envelope encryption): 32 random bytes that seal the account's secrets in
 * one service, stored only wrapped by a key of that service's ring (`wrapped.keyId`), bound to the
 * account and `dataKeyId`. One document per account (`_id` = account id), created on its first
 * sealed write. Destroying it (crypto-shredding) drops `wrapped` and keeps the id with
 * `destroyedAt`, so no new key is created for the account and its secrets say why they cannot be read.
 */
export interface DataKeyDocument {
  _id: string;
  dataKeyId: string;
  wrapped?: WrappedDataKey;
  createdAt: Date;
  rewrappedAt?: Date;
  destroyedAt: Date | null;
}

/** Where one service keeps its data keys: its own collection in its own database. */
export interface DataKeyCollection {
  modelName: string;
  collection: string;
}

function dataKeySchema(collection: string): Schema<DataKeyDocument> {
  const schema = new Schema<DataKeyDocument>(
    {
      _id: { type: String, required: true },
      dataKeyId: { type: String, required: true },
      wrapped: { type: Schema.Types.Mixed },
      createdAt: { type: Date, required: true },
      rewrappedAt: { type: Date },
      destroyedAt: { type: Date, default: null },
    },
    { collection, versionKey: false, minimize: false, strict: true },
  );
  schema.index({ 'wrapped.keyId': 1 }, { name: 'wrapping_key_id' });
  return schema;
}

export function dataKeyModel(connection: Connection, { modelName, collection }: DataKeyCollection): Model<DataKeyDocument> {
  return (connection.models[modelName] as Model<DataKeyDocument> | undefined) ?? connection.model<DataKeyDocument>(modelName, dataKeySchema(collection));
}
