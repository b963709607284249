import { buildChangeEvent, type Actor } from '@warden/contracts-events';
import { rewrapDataKeys, type RewrapResult } from '@warden/envelope';
import { nextSecretsVersion, type CredentialCipher } from './credential-cipher';
import type { CredentialRepository } from './credential.repository';
import { CredentialSealer } from './credential-sealer';

export interface RekeyOptions {
  repository: CredentialRepository;
  cipher: CredentialCipher;
  actor: Actor;
  batchSize?: number;
  /** Called after every credential looked at, for progress bars. */
  onProgress?: (progress: { done: number; total: number }) => void;
  clock?: () => Date;
}

export interface RekeyResult {
  /** The ring key every data key is now wrapped by. */
  keyId: string;
  /** Credentials re-sealed under their account's data key (they were sealed directly under a ring key, or had no secrets version). */
  rekeyed: number;
  /** Credentials that changed between read and write; the next run picks them up if still needed. */
  skipped: number;
  /** Credentials sealed by a key that is not configured, or whose stored secret does not match them (tampered with or rolled back). */
  failed: { id: string; reason: string }[];
  /** Live credentials still sealed directly under a ring key, or still without a secrets version, after this run. */
  remaining: number;
  /** The accounts' data keys: re-wrapped under the newest ring key, changed meanwhile, failed (ring key not configured, wrapping tampered with), and still under an older ring key after this run. */
  dataKeys: RewrapResult;
}

/**
 * Makes the newest ring key the only one needed: first re-wraps every live account data key that is
 * wrapped by an older ring key (the data key itself, and so every field under it, is unchanged;
 * one conditional single-document write each), then re-seals every live credential still sealed
 * directly under a ring key (written before data keys existed), or written before secrets versions
 * existed, under its account's data key and a new secrets version. Each credential is one
 * single-document write (ciphertexts, key id and secrets version together), conditional on the key
 * and version it was read with, and carries an `Updated` audit event that names the old and new key
 * ids and secrets versions (no value, hint, ciphertext or key). Safe to interrupt and re-run, and
 * to run while the service is serving; a second run changes nothing.
 */
export async function rekeyCredentials({ repository, cipher, actor, batchSize = 100, onProgress, clock = () => new Date() }: RekeyOptions): Promise<RekeyResult> {
  const keyId = cipher.currentKeyId;
  const dataKeys = await rewrapDataKeys(repository, cipher, batchSize, clock);
  const sealer = new CredentialSealer({ cipher, repository, clock: () => clock().getTime() });
  const total = await repository.countToReseal();
  const result: RekeyResult = { keyId, rekeyed: 0, skipped: 0, failed: [], remaining: 0, dataKeys };
  let afterId: string | undefined;
  let done = 0;
  for (;;) {
    const batch = await repository.findToReseal(afterId, batchSize);
    if (batch.length === 0) break;
    for (const document of batch) {
      afterId = document._id;
      const context = { accountId: document.accountId, credentialId: document._id };
      const secretsVersion = nextSecretsVersion(document.secretsVersion);
      let sealed;
      try {
        const secrets = await sealer.openAll(document.secrets ?? {}, { ...context, secretsVersion: document.secretsVersion });
        sealed = await sealer.sealAll(secrets, { ...context, secretsVersion });
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
        after: { encryptionKeyId: sealed.keyId, secretsVersion },
        extra: { reason: "Secrets re-encrypted under the account's data key and a new secrets version; no value changed." },
      });
      const written = await repository.replaceKey(document, sealed.secrets, sealed.keyId, secretsVersion, event);
      if (written) result.rekeyed += 1;
      else result.skipped += 1;
      onProgress?.({ done: ++done, total });
    }
  }
  result.remaining = await repository.countToReseal();
  return result;
}
