export { CredentialCipher, parseEncryptionKeys, DEV_CREDENTIAL_ENCRYPTION_KEYS } from './credential-cipher';
export type { EncryptedField, EncryptionKey, SecretContext } from './credential-cipher';
export { credentialModel } from './credential.model';
export type { CredentialDocument, CredentialType } from './credential.model';
export { CredentialRepository, DuplicateMonikerError } from './credential.repository';
export type { CredentialChanges, ListPosition } from './credential.repository';
export { rekeyCredentials } from './rekey';
export { exclusiveWrite } from '@warden/data';
export type { RekeyOptions, RekeyResult } from './rekey';
