import { randomBytes, randomUUID } from 'node:crypto';
import {
  DataKeyUnavailableError,
  SecretMismatchError,
  openField,
  sealField,
  type CredentialCipher,
  type EncryptedField,
  type SecretContext,
  type StoredSecretContext,
} from './credential-cipher';
import { DATA_KEY_PREFIX, type CredentialRepository } from './credential.repository';

export interface CredentialSealerOptions {
  /** The key ring: wraps data keys (its newest key) and opens fields sealed before data keys existed. */
  cipher: CredentialCipher;
  repository: CredentialRepository;
  /** Unwrapped data keys kept in memory, the least recently used dropped first. */
  cacheSize?: number;
  /** How long an unwrapped key stays cached: how long a process that did not destroy a key may still use it. */
  cacheTtlMs?: number;
  /** Milliseconds since the epoch. */
  clock?: () => number;
}

interface DataKey {
  dataKeyId: string;
  key: Buffer;
  expiresAt: number;
}

/**
 * Envelope encryption of credential secrets: each account has one data key (32 random bytes,
 * created on its first credential write, stored only wrapped by the ring's newest key), and every
 * field is sealed under it with the field's own binding (account, credential, field, secrets
 * version) and the key id `dk:<dataKeyId>`. Fields sealed directly under a ring key, written before
 * data keys existed, still open with the ring. Unwrapped keys are cached in memory (bounded, with a
 * time to live) so a read does not unwrap each time; they never leave this object.
 */
export class CredentialSealer {
  readonly cipher: CredentialCipher;
  private readonly repository: CredentialRepository;
  private readonly cacheSize: number;
  private readonly cacheTtlMs: number;
  private readonly clock: () => number;
  private readonly cache = new Map<string, DataKey>();

  constructor({ cipher, repository, cacheSize = 10_000, cacheTtlMs = 5 * 60_000, clock = Date.now }: CredentialSealerOptions) {
    this.cipher = cipher;
    this.repository = repository;
    this.cacheSize = cacheSize;
    this.cacheTtlMs = cacheTtlMs;
    this.clock = clock;
  }

  /** Seals every field under the account's data key (created on the account's first write); `keyId` is what the document records. */
  async sealAll(secrets: Record<string, string>, context: Omit<SecretContext, 'field'>): Promise<{ secrets: Record<string, EncryptedField>; keyId: string }> {
    const dataKey = await this.dataKeyOf(context.accountId, true);
    const keyId = `${DATA_KEY_PREFIX}${dataKey.dataKeyId}`;
    return { keyId, secrets: Object.fromEntries(Object.entries(secrets).map(([field, value]) => [field, sealField(dataKey.key, keyId, value, { ...context, field })])) };
  }

  /**
   * Opens every stored field: under the account's data key when its key id says `dk:…`, else under
   * the ring key it names. A destroyed or unusable data key is a `DataKeyUnavailableError`; a field
   * that does not authenticate, or names another data key than its account's, a `SecretMismatchError`.
   */
  async openAll(secrets: Record<string, EncryptedField>, context: Omit<StoredSecretContext, 'field'>): Promise<Record<string, string>> {
    const opened: Record<string, string> = {};
    for (const [field, value] of Object.entries(secrets)) {
      if (typeof value.keyId === 'string' && value.keyId.startsWith(DATA_KEY_PREFIX)) {
        const dataKey = await this.dataKeyOf(context.accountId, false);
        if (value.keyId !== `${DATA_KEY_PREFIX}${dataKey.dataKeyId}`) throw new SecretMismatchError(context.credentialId, field);
        opened[field] = openField(dataKey.key, value, { ...context, field });
      } else {
        opened[field] = this.cipher.decrypt(value, { ...context, field });
      }
    }
    return opened;
  }

  /** Crypto-shredding of one account: its data key destroyed in the database and forgotten here. True when a live key was destroyed. */
  async destroyDataKey(accountId: string, now?: Date): Promise<boolean> {
    this.cache.delete(accountId);
    try {
      return await this.repository.destroyDataKey(accountId, now);
    } finally {
      this.cache.delete(accountId);
    }
  }

  /** Drops every cached key (or one account's). */
  forget(accountId?: string): void {
    if (accountId === undefined) this.cache.clear();
    else this.cache.delete(accountId);
  }

  private async dataKeyOf(accountId: string, create: boolean): Promise<DataKey> {
    const now = this.clock();
    const cached = this.cache.get(accountId);
    this.cache.delete(accountId);
    if (cached && cached.expiresAt > now) {
      this.cache.set(accountId, cached);
      return cached;
    }
    const dataKey = await this.load(accountId, create, now);
    this.cache.set(accountId, dataKey);
    while (this.cache.size > this.cacheSize) this.cache.delete(this.cache.keys().next().value as string);
    return dataKey;
  }

  private async load(accountId: string, create: boolean, now: number): Promise<DataKey> {
    const expiresAt = now + this.cacheTtlMs;
    let stored = await this.repository.findDataKey(accountId);
    if (!stored) {
      if (!create) throw new DataKeyUnavailableError(accountId, 'destroyed');
      const dataKeyId = randomUUID();
      const key = randomBytes(32);
      const wrapped = this.cipher.wrapDataKey(key, { accountId, dataKeyId });
      stored = await this.repository.insertDataKey({ _id: accountId, dataKeyId, wrapped, createdAt: new Date(now), destroyedAt: null });
      // Another request or replica created the account's key first: use that one.
      if (stored.dataKeyId === dataKeyId) return { dataKeyId, key, expiresAt };
    }
    if (stored.destroyedAt || !stored.wrapped) throw new DataKeyUnavailableError(accountId, 'destroyed');
    return { dataKeyId: stored.dataKeyId, key: this.cipher.unwrapDataKey(stored.wrapped, { accountId, dataKeyId: stored.dataKeyId }), expiresAt };
  }
}
