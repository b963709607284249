import { closeSync, openSync, writeSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { GENESIS_HASH, chainRecord, type AuditRecordWithCanonical, type CheckpointSigner } from '@warden/audit-client';

export interface SyntheticExportOptions {
  records: number;
  accountId?: string;
  /** Signs a checkpoint at the head (and one every `checkpointEvery` records) when given. */
  signer?: CheckpointSigner;
  checkpointEvery?: number;
  /** Changes a record after hashing, as someone editing the database would. */
  tamper?: (record: AuditRecordWithCanonical) => AuditRecordWithCanonical | undefined;
}

/** The records of a realistic chain, built in memory with the writer's own hashing code. */
export function* syntheticChain(count: number, start = Date.UTC(2025, 0, 1)): Generator<AuditRecordWithCanonical> {
  let prevHash = GENESIS_HASH;
  const actor = { type: 'token', id: randomUUID(), name: 'ci-deploy' };
  for (let seq = 1; seq <= count; seq++) {
    const record = chainRecord({
      id: randomUUID(),
      seq,
      timestamp: new Date(start + seq * 1_000).toISOString(),
      objectType: seq % 3 === 0 ? 'Credential' : 'ApiToken',
      auditType: 'Updated',
      objectId: randomUUID(),
      username: actor.name,
      actor,
      remoteIp: '203.0.113.24',
      detail: {
        update: { prior: { name: `token-${seq}`, scopes: ['tokens:read'], rateLimit: null }, after: { name: `token-${seq}-renamed`, scopes: ['tokens:read', 'audit:read'], rateLimit: { limit: 120, windowSeconds: 60 } } },
        auditType: 'Updated',
        auditObject: 'ApiToken',
      },
      prevHash,
    });
    prevHash = record.hash;
    yield record;
  }
}

/** Writes an export file (NDJSON, as GET /api/v1/audit/export streams it); returns its size in bytes. */
export function writeSyntheticExport(path: string, options: SyntheticExportOptions): number {
  const accountId = options.accountId ?? randomUUID();
  const fd = openSync(path, 'w');
  let bytes = 0;
  let chunk: string[] = [];
  const flush = () => {
    const text = chunk.join('');
    bytes += writeSync(fd, text);
    chunk = [];
  };
  const checkpoints: string[] = [];
  let last: AuditRecordWithCanonical | undefined;
  try {
    for (const original of syntheticChain(options.records)) {
      const record = options.tamper ? options.tamper(original) : original;
      last = original;
      if (record) chunk.push(`${JSON.stringify({ kind: 'record', record })}\n`);
      if (options.signer && options.checkpointEvery && original.seq % options.checkpointEvery === 0 && original.seq !== options.records) {
        checkpoints.push(JSON.stringify({ kind: 'checkpoint', checkpoint: options.signer.sign({ accountId, seq: original.seq, hash: original.hash, time: new Date().toISOString() }) }));
      }
      if (chunk.length >= 1_000) flush();
    }
    if (options.signer && last) {
      checkpoints.push(JSON.stringify({ kind: 'checkpoint', checkpoint: options.signer.sign({ accountId, seq: last.seq, hash: last.hash, time: new Date().toISOString() }) }));
    }
    for (const line of checkpoints) chunk.push(`${line}\n`);
    flush();
  } finally {
    closeSync(fd);
  }
  return bytes;
}
