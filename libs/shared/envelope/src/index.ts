export { DataKeyUnavailableError, KeyRing, SealMismatchError, openValue, parseEncryptionKeys, sealValue } from './key-ring';
export type { DataKeyContext, EncryptedField, EncryptionKey, KeyRingOptions, WrappedDataKey } from './key-ring';
export { dataKeyModel } from './data-key.model';
export type { DataKeyCollection, DataKeyDocument } from './data-key.model';
export { DataKeyStore } from './data-key.store';
export { DATA_KEY_PREFIX, EnvelopeSealer } from './envelope-sealer';
export type { DataKeyRepository, EnvelopeSealerOptions } from './envelope-sealer';
export { rewrapDataKeys } from './rewrap-data-keys';
export type { RewrapResult } from './rewrap-data-keys';
