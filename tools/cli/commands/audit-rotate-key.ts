import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import { formatPreviousPublicKey, keyIdOf, loadSigningKey, parsePreviousPublicKeys } from '@warden/audit-client';
import { recordSealKeyOf } from '@warden/audit-feature';

export interface RotatedAuditKey {
  retired: { keyId: string; retiredAt: string };
  current: { keyId: string; publicKey: string };
  /** Every retired key, as AUDIT_PREVIOUS_PUBLIC_KEYS now lists them. */
  previous: string[];
}

/**
 * Rotates the audit signing key in an installation's keys file (`.data/keys.json`, as
 * tools/platform/keys.mjs writes it): a fresh Ed25519 key becomes AUDIT_SIGNING_KEY (and
 * AUDIT_PUBLIC_KEY); the one it replaces is appended to AUDIT_PREVIOUS_PUBLIC_KEYS with the time
 * it was retired, by its public key only (its private key is gone from the file); AUDIT_SEAL_KEY
 * keeps the record seal key (derived from the first signing key when the file has none), so the
 * records written so far keep their seals. The file is replaced in one rename, readable by its
 * owner only. The running audit service signs with the old key until it restarts.
 */
export function rotateAuditSigningKey(file: string, now: Date = new Date()): RotatedAuditKey {
  if (!existsSync(file)) throw new Error(`No keys file at ${file}: it is made by the first npm start.`);
  const keys = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  if (typeof keys.AUDIT_SIGNING_KEY !== 'string') throw new Error(`${file} has no AUDIT_SIGNING_KEY.`);
  const old = loadSigningKey(keys.AUDIT_SIGNING_KEY);
  const previous = typeof keys.AUDIT_PREVIOUS_PUBLIC_KEYS === 'string' ? keys.AUDIT_PREVIOUS_PUBLIC_KEYS.split(/[\s,]+/).filter(Boolean) : [];
  const retiredAt = new Date(Math.max(now.getTime(), ...parsePreviousPublicKeys(previous.join(',')).map((key) => Date.parse(key.validUntil as string) + 1)));
  previous.push(formatPreviousPublicKey(old, retiredAt));
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const rotated = {
    ...keys,
    AUDIT_SIGNING_KEY: privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64'),
    AUDIT_PUBLIC_KEY: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
    AUDIT_PREVIOUS_PUBLIC_KEYS: previous.join(','),
    AUDIT_SEAL_KEY: typeof keys.AUDIT_SEAL_KEY === 'string' && keys.AUDIT_SEAL_KEY !== '' ? keys.AUDIT_SEAL_KEY : recordSealKeyOf(old).toString('base64'),
  };
  // Checked before anything is written: the new set must load as the audit service loads it.
  parsePreviousPublicKeys(rotated.AUDIT_PREVIOUS_PUBLIC_KEYS);
  const temporary = `${file}.rotating`;
  writeFileSync(temporary, `${JSON.stringify(rotated, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, file);
  return {
    retired: { keyId: keyIdOf(old), retiredAt: retiredAt.toISOString() },
    current: { keyId: keyIdOf(publicKey), publicKey: rotated.AUDIT_PUBLIC_KEY },
    previous,
  };
}
