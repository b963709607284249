import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** One field's secret as stored: AES-256-GCM output plus the id of the key that sealed it. */
export interface EncryptedField {
  ciphertext: string;
  iv: string;
  tag: string;
  keyId: string;
}

export interface EncryptionKey {
  id: string;
  key: Buffer;
}

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

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
const ALGORITHM = 'aes-256-gcm';

/**
 * Parses `CREDENTIAL_ENCRYPTION_KEYS`: a comma-separated list of `keyId:base64(32 bytes)`, oldest
 * first; the last key encrypts, every listed key decrypts. Errors never echo key material.
 */
export function parseEncryptionKeys(value: string): EncryptionKey[] {
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length === 0) throw new Error('must list at least one keyId:base64key');
  const keys: EncryptionKey[] = [];
  entries.forEach((entry, index) => {
    const separator = entry.indexOf(':');
    const id = separator > 0 ? entry.slice(0, separator) : '';
    if (!KEY_ID.test(id)) throw new Error(`entry ${index + 1} must look like keyId:base64key (keyId: letters, digits, . _ -)`);
    const material = entry.slice(separator + 1);
    const key = Buffer.from(material, 'base64');
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(material) || key.length !== 32) {
      throw new Error(`key '${id}' must be 32 bytes, base64-encoded (e.g. openssl rand -base64 32)`);
    }
    if (keys.some((existing) => existing.id === id)) throw new Error(`key id '${id}' is listed twice`);
    keys.push({ id, key });
  });
  return keys;
}

const isVersion = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 1;

/**
 * v2 binds the secrets version; v1 (credentials written before versions existed) does not, and is
 * only ever used to open the fields of a document that has no `secretsVersion` at all.
 */
function associatedData({ accountId, credentialId, field, secretsVersion }: StoredSecretContext): Buffer {
  const bound = secretsVersion === undefined ? ['warden.credential.v1', accountId, credentialId, field] : ['warden.credential.v2', accountId, credentialId, field, secretsVersion];
  return Buffer.from(JSON.stringify(bound), 'utf8');
}

/** Seals one field under `key` (a ring key or an account's data key), recording `keyId` with it. */
export function sealField(key: Buffer, keyId: string, plaintext: string, context: SecretContext): EncryptedField {
  if (!isVersion(context.secretsVersion)) throw new Error('a secrets version is a positive integer');
  const iv = randomBytes(12);
  const cipher = createCipheriv(ALGORITHM, key, iv);
  cipher.setAAD(associatedData(context));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return { ciphertext: ciphertext.toString('base64'), iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), keyId };
}

/** Opens one field with `key`; anything that does not authenticate is a `SecretMismatchError`. */
export function openField(key: Buffer, field: EncryptedField, context: StoredSecretContext): string {
  if (context.secretsVersion !== undefined && !isVersion(context.secretsVersion)) throw new SecretMismatchError(context.credentialId, context.field);
  try {
    const decipher = createDecipheriv(ALGORITHM, key, Buffer.from(field.iv, 'base64'));
    decipher.setAAD(associatedData(context));
    decipher.setAuthTag(Buffer.from(field.tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(field.ciphertext, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretMismatchError(context.credentialId, context.field);
  }
}

/** What a wrapped data key is bound to: moved to another account's document, or given another id, it no longer unwraps. */
export interface DataKeyContext {
  accountId: string;
  dataKeyId: string;
}

/** An account's data key as stored: AES-256-GCM output under the ring key `keyId`. */
export interface WrappedDataKey {
  ciphertext: string;
  iv: string;
  tag: string;
  keyId: string;
}

function dataKeyAssociatedData({ accountId, dataKeyId }: DataKeyContext): Buffer {
  return Buffer.from(JSON.stringify(['warden.credential-data-key.v1', accountId, dataKeyId]), 'utf8');
}

/**
 * An account's data key cannot be used: it was destroyed (crypto-shredding) or is missing, or its
 * stored wrapping does not open for this account (tampered with or copied from another account).
 * The message names the account, never any material.
 */
export class DataKeyUnavailableError extends Error {
  constructor(
    readonly accountId: string,
    readonly reason: 'destroyed' | 'mismatch',
  ) {
    super(
      reason === 'destroyed'
        ? `the data key of account ${accountId} was destroyed (or is missing): its credentials can no longer be decrypted`
        : `the data key of account ${accountId} does not open with the key ring: it was tampered with or copied from another account`,
    );
    this.name = 'DataKeyUnavailableError';
  }
}

/**
 * Seals and opens credential secrets with AES-256-GCM. Each value gets a fresh 96-bit IV; the key id
 * travels with the ciphertext so that keys can rotate: the newest key seals, any configured key opens.
 */
export class CredentialCipher {
  private readonly keys: Map<string, Buffer>;
  readonly currentKeyId: string;

  constructor(keys: EncryptionKey[]) {
    if (keys.length === 0) throw new Error('CredentialCipher needs at least one key');
    this.keys = new Map(keys.map((key) => [key.id, key.key]));
    this.currentKeyId = keys[keys.length - 1].id;
  }

  static fromEnv(value: string): CredentialCipher {
    return new CredentialCipher(parseEncryptionKeys(value));
  }

  hasKey(keyId: string): boolean {
    return this.keys.has(keyId);
  }

  encrypt(plaintext: string, context: SecretContext): EncryptedField {
    return sealField(this.keys.get(this.currentKeyId) as Buffer, this.currentKeyId, plaintext, context);
  }

  /**
   * Opens one stored field. A key that is not configured is an ordinary error; anything else that
   * does not authenticate (including a stored version that is not a positive integer) is a
   * `SecretMismatchError`.
   */
  decrypt(field: EncryptedField, context: StoredSecretContext): string {
    const key = this.keys.get(field.keyId);
    if (!key) throw new Error(`encryption key '${field.keyId}' is not configured`);
    return openField(key, field, context);
  }

  /** Wraps an account's data key under the newest ring key, bound to the account and the data key's id. */
  wrapDataKey(material: Buffer, context: DataKeyContext): WrappedDataKey {
    const iv = randomBytes(12);
    const cipher = createCipheriv(ALGORITHM, this.keys.get(this.currentKeyId) as Buffer, iv);
    cipher.setAAD(dataKeyAssociatedData(context));
    const ciphertext = Buffer.concat([cipher.update(material), cipher.final()]);
    return { ciphertext: ciphertext.toString('base64'), iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), keyId: this.currentKeyId };
  }

  /**
   * Unwraps an account's data key. A ring key that is not configured is an ordinary error; a wrapped
   * key that does not authenticate for this account and data key id is a `DataKeyUnavailableError`.
   */
  unwrapDataKey(wrapped: WrappedDataKey, context: DataKeyContext): Buffer {
    const key = this.keys.get(wrapped.keyId);
    if (!key) throw new Error(`encryption key '${wrapped.keyId}' is not configured`);
    try {
      const decipher = createDecipheriv(ALGORITHM, key, Buffer.from(wrapped.iv, 'base64'));
      decipher.setAAD(dataKeyAssociatedData(context));
      decipher.setAuthTag(Buffer.from(wrapped.tag, 'base64'));
      const material = Buffer.concat([decipher.update(Buffer.from(wrapped.ciphertext, 'base64')), decipher.final()]);
      if (material.length !== 32) throw new Error('not a data key');
      return material;
    } catch {
      throw new DataKeyUnavailableError(context.accountId, 'mismatch');
    }
  }

  encryptAll(secrets: Record<string, string>, context: Omit<SecretContext, 'field'>): Record<string, EncryptedField> {
    return Object.fromEntries(Object.entries(secrets).map(([field, value]) => [field, this.encrypt(value, { ...context, field })]));
  }

  decryptAll(secrets: Record<string, EncryptedField>, context: Omit<StoredSecretContext, 'field'>): Record<string, string> {
    return Object.fromEntries(Object.entries(secrets).map(([field, value]) => [field, this.decrypt(value, { ...context, field })]));
  }
}
