import { EnvelopeSealer, SealMismatchError } from '@warden/envelope';
import { SecretMismatchError, isSecretsVersion, secretAssociatedData, type CredentialCipher, type EncryptedField, type SecretContext, type StoredSecretContext } from './credential-cipher';
import type { CredentialRepository } from './credential.repository';

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

/**
 * Envelope encryption of credential secrets (`@warden/envelope`): each account has one data key, and
 * every field is sealed under it with the field's own binding (account, credential, field, secrets
 * version) and the key id `dk:<dataKeyId>`. Fields sealed directly under a ring key, written before
 * data keys existed, still open with the ring.
 */
export class CredentialSealer {
  readonly cipher: CredentialCipher;
  private readonly envelope: EnvelopeSealer;

  constructor({ cipher, repository, ...cache }: CredentialSealerOptions) {
    this.cipher = cipher;
    this.envelope = new EnvelopeSealer({ ring: cipher, repository, sealed: 'its credentials', ...cache });
  }

  /** Seals every field under the account's data key (created on the account's first write); `keyId` is what the document records. */
  async sealAll(secrets: Record<string, string>, context: Omit<SecretContext, 'field'>): Promise<{ secrets: Record<string, EncryptedField>; keyId: string }> {
    if (!isSecretsVersion(context.secretsVersion)) throw new Error('a secrets version is a positive integer');
    const values = Object.fromEntries(Object.entries(secrets).map(([field, plaintext]) => [field, { plaintext, aad: secretAssociatedData({ ...context, field }) }]));
    const { keyId, sealed } = await this.envelope.sealAll(context.accountId, values);
    return { keyId, secrets: sealed };
  }

  /**
   * Opens every stored field: under the account's data key when its key id says `dk:…`, else under
   * the ring key it names. A destroyed or unusable data key is a `DataKeyUnavailableError`; a field
   * that does not authenticate, or names another data key than its account's, a `SecretMismatchError`.
   */
  async openAll(secrets: Record<string, EncryptedField>, context: Omit<StoredSecretContext, 'field'>): Promise<Record<string, string>> {
    const opened: Record<string, string> = {};
    for (const [field, value] of Object.entries(secrets)) {
      // A stored version that is not a positive integer never authenticates: sealing refuses one.
      try {
        opened[field] = await this.envelope.open(context.accountId, value, secretAssociatedData({ ...context, field }));
      } catch (error) {
        if (error instanceof SealMismatchError) throw new SecretMismatchError(context.credentialId, field);
        throw error;
      }
    }
    return opened;
  }

  /** Crypto-shredding of one account: its data key destroyed in the database and forgotten here. True when a live key was destroyed. */
  destroyDataKey(accountId: string, now?: Date): Promise<boolean> {
    return this.envelope.destroyDataKey(accountId, now);
  }

  /** Drops every cached key (or one account's). */
  forget(accountId?: string): void {
    this.envelope.forget(accountId);
  }
}
