import { createHash, createHmac, timingSafeEqual, type KeyObject } from 'node:crypto';

/**
 * Each stored record carries an HMAC of (accountId, seq, hash) under a key derived from the audit
 * signing key. Only the audit writer can make one, so a record put into the database by anyone
 * else (even with a correct hash and link) has no valid seal; verification and the checkpointer
 * (which never signs over an unsealed record) catch it. HMAC keeps the writer's cost to
 * microseconds; signed checkpoints are what makes an export verifiable offline.
 */
export class RecordSealer {
  private readonly key: Buffer;

  constructor(signingKey: KeyObject) {
    const der = signingKey.export({ format: 'der', type: 'pkcs8' });
    this.key = createHash('sha256').update('warden-audit-record-seal-v1').update(der).digest();
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
