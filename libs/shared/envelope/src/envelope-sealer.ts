import { randomBytes, randomUUID } from 'node:crypto';
import type { DataKeyDocument } from './data-key.model';
import { DataKeyUnavailableError, SealMismatchError, openValue, sealValue, type EncryptedField, type KeyRing } from './key-ring';

/** The prefix of the key id of values sealed under their account's data key (`dk:<dataKeyId>`). */
export const DATA_KEY_PREFIX = 'dk:';

/** Where an account's data key is kept (`DataKeyStore`, or a repository that adds to its destruction). */
export interface DataKeyRepository {
  findDataKey(accountId: string): Promise<DataKeyDocument | null>;
  insertDataKey(document: DataKeyDocument): Promise<DataKeyDocument>;
  destroyDataKey(accountId: string, now?: Date): Promise<boolean>;
}

export interface EnvelopeSealerOptions {
  /** The key ring: wraps data keys (its newest key) and opens values sealed directly under a ring key. */
  ring: KeyRing;
  repository: DataKeyRepository;
  /** What a destroyed key sealed, for its error message ("its credentials"). */
  sealed?: string;
  /** Unwrapped data keys kept in memory, the least recently used dropped first. */
  cacheSize?: number;
  /** How long an unwrapped key stays cached: how long a process that did not destroy a key may still use it. */
  cacheTtlMs?: number;
  /** Milliseconds since the epoch. */
  clock?: () => number;
}

interface DataKey {
  keyId: string;
  key: Buffer;
  expiresAt: number;
}

/**
 * Envelope encryption: each account has one data key (32 random bytes, created on its first sealed
 * write, stored only wrapped by the ring's newest key), and every value is sealed under it with the
 * caller's binding (associated data) and the key id `dk:<dataKeyId>`. Values sealed directly under
 * a ring key still open with the ring. Unwrapped keys are cached in memory (bounded, with a time to
 * live) so a read does not unwrap each time; they never leave this object.
 */
export class EnvelopeSealer {
  readonly ring: KeyRing;
  private readonly repository: DataKeyRepository;
  private readonly sealed: string | undefined;
  private readonly cacheSize: number;
  private readonly cacheTtlMs: number;
  private readonly clock: () => number;
  private readonly cache = new Map<string, DataKey>();

  constructor({ ring, repository, sealed, cacheSize = 10_000, cacheTtlMs = 5 * 60_000, clock = Date.now }: EnvelopeSealerOptions) {
    this.ring = ring;
    this.repository = repository;
    this.sealed = sealed;
    this.cacheSize = cacheSize;
    this.cacheTtlMs = cacheTtlMs;
    this.clock = clock;
  }

  /** Seals each value under the account's data key (created on the account's first write), each bound to its own associated data. */
  async sealAll<K extends string>(accountId: string, values: Record<K, { plaintext: string; aad: Buffer }>): Promise<{ keyId: string; sealed: Record<K, EncryptedField> }> {
    const dataKey = await this.dataKeyOf(accountId, true);
    const entries = Object.entries<{ plaintext: string; aad: Buffer }>(values).map(([name, { plaintext, aad }]) => [name, sealValue(dataKey.key, dataKey.keyId, plaintext, aad)]);
    return { keyId: dataKey.keyId, sealed: Object.fromEntries(entries) as Record<K, EncryptedField> };
  }

  /**
   * Opens one value: under the account's data key when its key id says `dk:…`, else under the ring
   * key it names (not configured: an ordinary error). A destroyed or unusable data key is a
   * `DataKeyUnavailableError`; a value that does not authenticate for `aad`, or names another data
   * key than its account's, a `SealMismatchError`.
   */
  async open(accountId: string, value: EncryptedField, aad: Buffer): Promise<string> {
    if (typeof value.keyId === 'string' && value.keyId.startsWith(DATA_KEY_PREFIX)) {
      const dataKey = await this.dataKeyOf(accountId, false);
      if (value.keyId !== dataKey.keyId) throw new SealMismatchError();
      return openValue(dataKey.key, value, aad).toString('utf8');
    }
    return openValue(this.ring.keyOf(value.keyId), value, aad).toString('utf8');
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
      if (!create) throw new DataKeyUnavailableError(accountId, 'destroyed', this.sealed);
      const dataKeyId = randomUUID();
      const key = randomBytes(32);
      const wrapped = this.ring.wrapDataKey(key, { accountId, dataKeyId });
      stored = await this.repository.insertDataKey({ _id: accountId, dataKeyId, wrapped, createdAt: new Date(now), destroyedAt: null });
      // Another request or replica created the account's key first: use that one.
      if (stored.dataKeyId === dataKeyId) return { keyId: `${DATA_KEY_PREFIX}${dataKeyId}`, key, expiresAt };
    }
    if (stored.destroyedAt || !stored.wrapped) throw new DataKeyUnavailableError(accountId, 'destroyed', this.sealed);
    const key = this.ring.unwrapDataKey(stored.wrapped, { accountId, dataKeyId: stored.dataKeyId });
    return { keyId: `${DATA_KEY_PREFIX}${stored.dataKeyId}`, key, expiresAt };
  }
}
