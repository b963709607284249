import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** One sealed value as stored: AES-256-GCM output plus the id of the key that sealed it. */
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

/** What a wrapped data key is bound to: moved to another account's document, or given another id, it no longer unwraps. */
export interface DataKeyContext {
  accountId: string;
  dataKeyId: string;
}

/** An account's data key as stored: AES-256-GCM output under the ring key `keyId`. */
export type WrappedDataKey = EncryptedField;

/**
 * A sealed value that does not authenticate with the key it names, for the binding (associated
 * data) it is opened with: tampered with, copied from elsewhere or rolled back. Carries no material.
 */
export class SealMismatchError extends Error {
  constructor() {
    super('the sealed value does not authenticate for this binding');
    this.name = 'SealMismatchError';
  }
}

/**
 * An account's data key cannot be used: it was destroyed (crypto-shredding) or is missing, or its
 * stored wrapping does not open for this account (tampered with or copied from another account).
 * The message names the account and what the key sealed, never any material.
 */
export class DataKeyUnavailableError extends Error {
  constructor(
    readonly accountId: string,
    readonly reason: 'destroyed' | 'mismatch',
    /** What the lost key sealed, as the message says it: "its credentials", "its recoverable tokens". */
    sealed = 'what it sealed',
  ) {
    super(
      reason === 'destroyed'
        ? `the data key of account ${accountId} was destroyed (or is missing): ${sealed} can no longer be decrypted`
        : `the data key of account ${accountId} does not open with the key ring: it was tampered with or copied from another account`,
    );
    this.name = 'DataKeyUnavailableError';
  }
}

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
const ALGORITHM = 'aes-256-gcm';

/**
 * Parses a key ring variable (`CREDENTIAL_ENCRYPTION_KEYS`, `TOKEN_ENCRYPTION_KEYS`): a
 * comma-separated list of `keyId:base64(32 bytes)`, oldest first; the last key encrypts, every
 * listed key decrypts. Errors never echo key material.
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

/** Seals `plaintext` under `key` (a ring key or a data key) bound to `aad`, recording `keyId` with it; a fresh 96-bit IV each time. */
export function sealValue(key: Buffer, keyId: string, plaintext: string | Buffer, aad: Buffer): EncryptedField {
  const iv = randomBytes(12);
  const cipher = createCipheriv(ALGORITHM, key, iv);
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { ciphertext: ciphertext.toString('base64'), iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), keyId };
}

/** Opens what `sealValue` sealed; anything that does not authenticate for `aad` is a `SealMismatchError`. */
export function openValue(key: Buffer, sealed: EncryptedField, aad: Buffer): Buffer {
  try {
    const decipher = createDecipheriv(ALGORITHM, key, Buffer.from(sealed.iv, 'base64'));
    decipher.setAAD(aad);
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, 'base64')), decipher.final()]);
  } catch {
    throw new SealMismatchError();
  }
}

export interface KeyRingOptions {
  /**
   * Names what this ring's data keys belong to in their wrapping's associated data (e.g.
   * `warden.credential-data-key.v1`), so a data key of one service's ring never unwraps as another's.
   */
  dataKeyLabel: string;
}

/**
 * A service's key ring: the newest key seals (and wraps data keys), any configured key opens, and
 * the key id travels with each ciphertext so that keys can rotate.
 */
export class KeyRing {
  private readonly keys: Map<string, Buffer>;
  readonly currentKeyId: string;
  private readonly dataKeyLabel: string;

  constructor(keys: EncryptionKey[], { dataKeyLabel }: KeyRingOptions) {
    if (keys.length === 0) throw new Error('a key ring needs at least one key');
    this.keys = new Map(keys.map((key) => [key.id, key.key]));
    this.currentKeyId = keys[keys.length - 1].id;
    this.dataKeyLabel = dataKeyLabel;
  }

  hasKey(keyId: string): boolean {
    return this.keys.has(keyId);
  }

  /** The ring key `keyId`; one that is not configured is an ordinary error. */
  keyOf(keyId: string): Buffer {
    const key = this.keys.get(keyId);
    if (!key) throw new Error(`encryption key '${keyId}' is not configured`);
    return key;
  }

  /** Wraps an account's data key under the newest ring key, bound to the account and the data key's id. */
  wrapDataKey(material: Buffer, context: DataKeyContext): WrappedDataKey {
    return sealValue(this.keyOf(this.currentKeyId), this.currentKeyId, material, this.dataKeyAssociatedData(context));
  }

  /**
   * Unwraps an account's data key. A ring key that is not configured is an ordinary error; a wrapped
   * key that does not authenticate for this account and data key id is a `DataKeyUnavailableError`.
   */
  unwrapDataKey(wrapped: WrappedDataKey, context: DataKeyContext): Buffer {
    const key = this.keyOf(wrapped.keyId);
    try {
      const material = openValue(key, wrapped, this.dataKeyAssociatedData(context));
      if (material.length !== 32) throw new Error('not a data key');
      return material;
    } catch {
      throw new DataKeyUnavailableError(context.accountId, 'mismatch');
    }
  }

  private dataKeyAssociatedData({ accountId, dataKeyId }: DataKeyContext): Buffer {
    return Buffer.from(JSON.stringify([this.dataKeyLabel, accountId, dataKeyId]), 'utf8');
  }
}
