import { KeyRing, openValue, parseEncryptionKeys, sealValue, type EncryptedField, type EncryptionKey } from '@warden/envelope';

export { DataKeyUnavailableError, parseEncryptionKeys } from '@warden/envelope';
export type { DataKeyContext, EncryptedField, EncryptionKey, WrappedDataKey } from '@warden/envelope';

/**
 * What a ciphertext is bound to: moving it to another account, credential or field, or putting back
 * a value sealed under another `secretsVersion` of the same credential, breaks decryption.
 */
export interface SecretContext {
  accountId: string;
  credentialId: string;
  field: string;
  /** The credential's `secretsVersion`: a new one on every write of its secrets. */
  secretsVersion: number;
}

/**
 * What a stored field is opened with: the `secretsVersion` of the document it was read from, which
 * is undefined only for a credential written before versions existed (its fields carry the v1
 * binding, without a version, until a write or `credentials rekey` re-seals them).
 */
export type StoredSecretContext = Omit<SecretContext, 'secretsVersion'> & { secretsVersion: number | undefined };

/**
 * A stored ciphertext that fails authentication with the key it names: it was not sealed for this
 * account, credential, field and secrets version (a value tampered with, copied from elsewhere or
 * rolled back to an older write). The message names the credential and field, never any material.
 */
export class SecretMismatchError extends Error {
  constructor(
    readonly credentialId: string,
    readonly field: string,
  ) {
    super(`the stored secret '${field}' does not match credential ${credentialId}: it was tampered with or rolled back to an older value`);
    this.name = 'SecretMismatchError';
  }
}

/** The `secretsVersion` the next write of a credential's secrets seals under (1 for a credential that has none yet). */
export function nextSecretsVersion(current: number | undefined): number {
  return (current ?? 0) + 1;
}

export const isSecretsVersion = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 1;

/**
 * v2 binds the secrets version; v1 (credentials written before versions existed) does not, and is
 * only ever used to open the fields of a document that has no `secretsVersion` at all.
 */
export function secretAssociatedData({ accountId, credentialId, field, secretsVersion }: StoredSecretContext): Buffer {
  const bound = secretsVersion === undefined ? ['warden.credential.v1', accountId, credentialId, field] : ['warden.credential.v2', accountId, credentialId, field, secretsVersion];
  return Buffer.from(JSON.stringify(bound), 'utf8');
}

/** Seals one field under `key` (a ring key or an account's data key), recording `keyId` with it. */
export function sealField(key: Buffer, keyId: string, plaintext: string, context: SecretContext): EncryptedField {
  if (!isSecretsVersion(context.secretsVersion)) throw new Error('a secrets version is a positive integer');
  return sealValue(key, keyId, plaintext, secretAssociatedData(context));
}

/** Opens one field with `key`; anything that does not authenticate is a `SecretMismatchError`. */
export function openField(key: Buffer, field: EncryptedField, context: StoredSecretContext): string {
  if (context.secretsVersion !== undefined && !isSecretsVersion(context.secretsVersion)) throw new SecretMismatchError(context.credentialId, context.field);
  try {
    return openValue(key, field, secretAssociatedData(context)).toString('utf8');
  } catch {
    throw new SecretMismatchError(context.credentialId, context.field);
  }
}

/** The data keys of the credential ring are bound to this label, apart from any other service's. */
export const CREDENTIAL_DATA_KEY_LABEL = 'warden.credential-data-key.v1';

/**
 * Seals and opens credential secrets with AES-256-GCM under the credential service's key ring
 * (`CREDENTIAL_ENCRYPTION_KEYS`): the newest key seals and wraps data keys, any configured key opens.
 */
export class CredentialCipher extends KeyRing {
  constructor(keys: EncryptionKey[]) {
    super(keys, { dataKeyLabel: CREDENTIAL_DATA_KEY_LABEL });
  }

  static fromEnv(value: string): CredentialCipher {
    return new CredentialCipher(parseEncryptionKeys(value));
  }

  encrypt(plaintext: string, context: SecretContext): EncryptedField {
    return sealField(this.keyOf(this.currentKeyId), this.currentKeyId, plaintext, context);
  }

  /**
   * Opens one stored field. A key that is not configured is an ordinary error; anything else that
   * does not authenticate (including a stored version that is not a positive integer) is a
   * `SecretMismatchError`.
   */
  decrypt(field: EncryptedField, context: StoredSecretContext): string {
    return openField(this.keyOf(field.keyId), field, context);
  }

  encryptAll(secrets: Record<string, string>, context: Omit<SecretContext, 'field'>): Record<string, EncryptedField> {
    return Object.fromEntries(Object.entries(secrets).map(([field, value]) => [field, this.encrypt(value, { ...context, field })]));
  }

  decryptAll(secrets: Record<string, EncryptedField>, context: Omit<StoredSecretContext, 'field'>): Record<string, string> {
    return Object.fromEntries(Object.entries(secrets).map(([field, value]) => [field, this.decrypt(value, { ...context, field })]));
  }
}
