import { closeSync, openSync, writeSync } from 'node:fs';
import { randomBytes, randomUUID, type KeyObject } from 'node:crypto';
import { GENESIS_HASH, auditLogOrigin, chainRecord, transparency, type AuditRecordWithCanonical, type CheckpointSigner } from '@warden/audit-client';

export interface SyntheticExportOptions {
  records: number;
  accountId?: string;
  /** Signs a checkpoint at the head (and one every `checkpointEvery` records) when given. */
  signer?: CheckpointSigner;
  checkpointEvery?: number;
  /** Changes a record after hashing, as someone editing the database would. */
  tamper?: (record: AuditRecordWithCanonical) => AuditRecordWithCanonical | undefined;
  /** The key that signs the checkpoint at `seq` instead of `signer` (a rotation: earlier checkpoints by one key, later by another). */
  signerAt?: (seq: number) => CheckpointSigner;
  /** Checkpoints carry the Merkle tree (tree size, root, signed note) as the service signs them; default true. */
  tree?: boolean;
  /** The checkpoint at this seq signs a tree root that the records do not give (validly signed). */
  wrongRootAt?: number;
  /** A witness cosigns every tree checkpoint (cosignature lines after the checkpoints); `forgeAt` cosigns another text at that size. */
  witness?: { name: string; key: KeyObject; forgeAt?: number };
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
  const cosignatures: string[] = [];
  let last: AuditRecordWithCanonical | undefined;
  let range = transparency.CompactRange.empty();
  const withTree = options.tree ?? true;
  const checkpoint = (record: AuditRecordWithCanonical) => {
    const signer = options.signerAt?.(record.seq) ?? (options.signer as CheckpointSigner);
    const signed = signer.sign({ accountId, seq: record.seq, hash: record.hash, time: new Date().toISOString() });
    if (!withTree) return checkpoints.push(JSON.stringify({ kind: 'checkpoint', checkpoint: signed }));
    const rootHash = record.seq === options.wrongRootAt ? randomBytes(32) : range.root();
    const tree = { origin: auditLogOrigin(accountId), size: record.seq, rootHash };
    const note = signer.signTreeHead(tree);
    checkpoints.push(JSON.stringify({ kind: 'checkpoint', checkpoint: { ...signed, treeSize: record.seq, rootHash: rootHash.toString('base64'), note } }));
    if (options.witness) {
      const { name, key, forgeAt } = options.witness;
      const text = transparency.formatCheckpoint(record.seq === forgeAt ? { ...tree, rootHash: randomBytes(32) } : tree);
      const line = transparency.formatSignatureLine(transparency.signCosignature(text, name, key, Math.floor(Date.now() / 1000)));
      cosignatures.push(JSON.stringify({ kind: 'cosignature', cosignature: { origin: tree.origin, treeSize: record.seq, cosignature: line } }));
    }
    return checkpoints.length;
  };
  try {
    for (const original of syntheticChain(options.records)) {
      const record = options.tamper ? options.tamper(original) : original;
      last = original;
      if (withTree && options.signer) range = range.append(Buffer.from(original.hash, 'hex')).range;
      if (record) chunk.push(`${JSON.stringify({ kind: 'record', record })}\n`);
      if (options.signer && options.checkpointEvery && original.seq % options.checkpointEvery === 0 && original.seq !== options.records) checkpoint(original);
      if (chunk.length >= 1_000) flush();
    }
    if (options.signer && last) checkpoint(last);
    checkpoints.push(...cosignatures);
    for (const line of checkpoints) chunk.push(`${line}\n`);
    flush();
  } finally {
    closeSync(fd);
  }
  return bytes;
}
