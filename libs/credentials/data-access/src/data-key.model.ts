import type { Connection, Model } from 'mongoose';
import { dataKeyModel as envelopeDataKeyModel, type DataKeyDocument } from '@warden/envelope';

export type { DataKeyDocument } from '@warden/envelope';

/** The accounts' credential data keys (`credential_data_keys` in the credential service's database). */
export function dataKeyModel(connection: Connection): Model<DataKeyDocument> {
  return envelopeDataKeyModel(connection, { modelName: 'CredentialDataKey', collection: 'credential_data_keys' });
}
