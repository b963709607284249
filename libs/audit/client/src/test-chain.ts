import { randomUUID } from 'node:crypto';
import { GENESIS_HASH, chainRecord, type AuditRecordContent, type AuditRecordWithCanonical } from './chain';

/**
 * A well-formed chain of `n` records (unit tests): seq 1..n linked from genesis, one second apart.
 * `vary(seq)` gives each record's own fields over an `ApiToken` creation by `ci`.
 */
export function testChain(n: number, vary: (seq: number) => Partial<AuditRecordContent> = () => ({})): AuditRecordWithCanonical[] {
  const records: AuditRecordWithCanonical[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const record = chainRecord({
      id: randomUUID(),
      seq,
      timestamp: new Date(Date.UTC(2025, 0, 1, 0, 0, seq)).toISOString(),
      objectType: 'ApiToken',
      auditType: 'Created',
      objectId: randomUUID(),
      username: 'ci',
      actor: { type: 'token', id: 'tok-1', name: 'ci' },
      remoteIp: null,
      detail: { create: { after: { name: `t${seq}` } }, auditType: 'Created', auditObject: 'ApiToken' },
      ...vary(seq),
      prevHash,
    });
    records.push(record);
    prevHash = record.hash;
  }
  return records;
}
