import { createHash, createHmac, timingSafeEqual, type KeyObject } from 'node:crypto';

const SEAL_KEY_BYTES = 32;

/**
 * The record seal key of an audit signing key: SHA-256('warden-audit-record-seal-v1' || PKCS#8 DER).
 * Records written under that signing key are sealed with it; it stays the seal key after the
 * signing key rotates (AUDIT_SEAL_KEY keeps it), so earlier records' seals still verify.
 */
export function recordSealKeyOf(signingKey: KeyObject): Buffer {
  const der = signingKey.export({ format: 'der', type: 'pkcs8' });
  return createHash('sha256').update('warden-audit-record-seal-v1').update(der).digest();
}

/** A seal key from AUDIT_SEAL_KEY: base64 (or base64url) of 32 bytes. */
export function loadRecordSealKey(text: string): Buffer {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== SEAL_KEY_BYTES) throw new Error(`the record seal key must be ${SEAL_KEY_BYTES} bytes, base64`);
  return key;
}

/**
 * Each stored record carries an HMAC of (accountId, seq, hash) under the record seal key. Only the
 * audit writer can make one, so a record put into the database by anyone else (even with a correct
 * hash and link) has no valid seal; verification and the checkpointer (which never signs over an
 * unsealed record) catch it. HMAC keeps the writer's cost to microseconds; signed checkpoints are
 * what makes an export verifiable offline.
 *
 * The seal key is derived from the audit signing key (`recordSealKeyOf`) unless given on its own
 * (AUDIT_SEAL_KEY, a 32-byte secret): a signing key rotation keeps the seal key, so the service
 * needs no retired private key to verify the records written before it.
 */
export class RecordSealer {
  private readonly key: Buffer;

  /** @param key the audit signing key (its seal key is derived), or the 32-byte seal key itself. */
  constructor(key: KeyObject | Buffer) {
    this.key = Buffer.isBuffer(key) ? Buffer.from(key) : recordSealKeyOf(key);
    if (this.key.length !== SEAL_KEY_BYTES) throw new Error(`the record seal key must be ${SEAL_KEY_BYTES} bytes`);
  }

  seal(accountId: string, seq: number, hash: string): string {
    return createHmac('sha256', this.key).update(`${accountId}\n${seq}\n${hash}`).digest('base64url');
  }

  verify(accountId: string, seq: number, hash: string, seal: unknown): boolean {
    if (typeof seal !== 'string') return false;
    const expected = Buffer.from(this.seal(accountId, seq, hash), 'base64url');
    const given = Buffer.from(seal, 'base64url');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}
