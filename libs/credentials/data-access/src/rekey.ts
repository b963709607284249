import { buildChangeEvent, type Actor } from '@warden/contracts-events';
import { nextSecretsVersion, type CredentialCipher } from './credential-cipher';
import type { CredentialRepository } from './credential.repository';

export interface RekeyOptions {
  repository: CredentialRepository;
  cipher: CredentialCipher;
  actor: Actor;
  batchSize?: number;
  /** Called after every credential looked at, for progress bars. */
  onProgress?: (progress: { done: number; total: number }) => void;
}

export interface RekeyResult {
  /** The key every credential should now be sealed by. */
  keyId: string;
  rekeyed: number;
  /** Credentials that changed between read and write; the next run picks them up if still needed. */
  skipped: number;
  /** Credentials sealed by a key that is not configured, or whose stored secret does not match them (tampered with or rolled back). */
  failed: { id: string; reason: string }[];
  /** Live credentials still not under the newest key, or still without a secrets version, after this run. */
  remaining: number;
}

/**
 * Re-seals every live credential that is not under the newest key, or that was written before
 * secrets versions existed (v1 binding, no `secretsVersion`), under the newest key and a new
 * secrets version. Each credential is one single-document write (ciphertexts, key id and secrets
 * version together), conditional on the key and version it was read with, and carries an `Updated`
 * audit event that names the old and new key ids and secrets versions (no value, hint or ciphertext). Safe to
 * interrupt and re-run, and to run while the service is serving: a credential written in between
 * is already under the newest key.
 */
export async function rekeyCredentials({ repository, cipher, actor, batchSize = 100, onProgress }: RekeyOptions): Promise<RekeyResult> {
  const keyId = cipher.currentKeyId;
  const total = await repository.countToReseal(keyId);
  const result: RekeyResult = { keyId, rekeyed: 0, skipped: 0, failed: [], remaining: 0 };
  let afterId: string | undefined;
  let done = 0;
  for (;;) {
    const batch = await repository.findToReseal(keyId, afterId, batchSize);
    if (batch.length === 0) break;
    for (const document of batch) {
      afterId = document._id;
      const context = { accountId: document.accountId, credentialId: document._id };
      const secretsVersion = nextSecretsVersion(document.secretsVersion);
      let sealed;
      try {
        const secrets = cipher.decryptAll(document.secrets ?? {}, { ...context, secretsVersion: document.secretsVersion });
        sealed = cipher.encryptAll(secrets, { ...context, secretsVersion });
      } catch (error) {
        result.failed.push({ id: document._id, reason: (error as Error).message });
        onProgress?.({ done: ++done, total });
        continue;
      }
      const event = buildChangeEvent({
        accountId: document.accountId,
        objectType: 'Credential',
        auditType: 'Updated',
        objectId: document._id,
        actor,
        remoteIp: null,
        prior: { encryptionKeyId: document.keyId ?? null, secretsVersion: document.secretsVersion ?? null },
        after: { encryptionKeyId: keyId, secretsVersion },
        extra: { reason: 'Secrets re-encrypted under the newest key and a new secrets version; no value changed.' },
      });
      const written = await repository.replaceKey(document, sealed, keyId, secretsVersion, event);
      if (written) result.rekeyed += 1;
      else result.skipped += 1;
      onProgress?.({ done: ++done, total });
    }
  }
  result.remaining = await repository.countToReseal(keyId);
  return result;
}
