import type { AuditCheckpoint, AuditRecord, AuditRecordWithCanonical } from '@warden/audit-client';
import { toAuditRecord, type AuditCheckpointRepository, type AuditRecordFilter, type AuditRecordRepository } from '@warden/audit-data-access';
import type { Checkpointer } from './checkpoint.use-case';
import { toCosignatureView } from './transparency.use-case';
import { isUuid } from '@warden/http';


export interface ReadAuditDeps {
  records: AuditRecordRepository;
  checkpoints: AuditCheckpointRepository;
  checkpointer: Checkpointer;
}

/** One page, newest first; `nextBeforeSeq` continues it. */
export async function listAuditRecords(
  { records }: ReadAuditDeps,
  accountId: string,
  filter: AuditRecordFilter,
  page: { beforeSeq?: number; limit: number },
): Promise<{ items: AuditRecord[]; nextBeforeSeq: number | null }> {
  const docs = await records.list(accountId, filter, { beforeSeq: page.beforeSeq, limit: page.limit + 1 });
  const more = docs.length > page.limit;
  const items = docs.slice(0, page.limit).map((doc) => {
    const { canonical: _canonical, ...record } = toAuditRecord({ ...doc, canonical: '' });
    return record;
  });
  return { items, nextBeforeSeq: more ? items[items.length - 1].seq : null };
}

/** Another account's record, and an id that is not a UUID, are simply absent. */
export async function getAuditRecord({ records }: ReadAuditDeps, accountId: string, id: string): Promise<AuditRecordWithCanonical | null> {
  if (!isUuid(id)) return null;
  const doc = await records.findById(accountId, id);
  return doc ? toAuditRecord(doc) : null;
}

export async function listCheckpoints(
  { checkpoints }: ReadAuditDeps,
  accountId: string,
  page: { beforeSeq?: number; limit: number },
): Promise<{ items: AuditCheckpoint[]; nextBeforeSeq: number | null }> {
  const found = await checkpoints.page(accountId, { beforeSeq: page.beforeSeq, limit: page.limit + 1 });
  const items = found.slice(0, page.limit);
  return { items, nextBeforeSeq: found.length > page.limit ? items[items.length - 1].seq : null };
}

/**
 * The export as NDJSON lines: the head is anchored first (a checkpoint on demand, if it moved), then
 * every record up to the head in ascending seq, then every checkpoint (each names its key id; tree
 * checkpoints carry their signed note), then the witnesses' cosignatures of those checkpoints, so
 * the file verifies offline with only the operator's public keys. Checkpoints are read before the head: each covers records that already existed, so
 * a checkpoint beyond the exported head means records were removed, and the verifier says so.
 */
export async function* exportAuditLines(deps: ReadAuditDeps, accountId: string): AsyncGenerator<string> {
  await deps.checkpointer.checkpoint(accountId).catch(() => null);
  const checkpoints = await deps.checkpoints.all(accountId);
  const head = await deps.records.head(accountId);
  if (head) {
    const cursor = deps.records.streamChain(accountId, { throughSeq: head.seq });
    try {
      for await (const doc of cursor) yield `${JSON.stringify({ kind: 'record', record: toAuditRecord(doc) })}\n`;
    } finally {
      await cursor.close();
    }
  }
  for (const checkpoint of checkpoints) yield `${JSON.stringify({ kind: 'checkpoint', checkpoint })}\n`;
  // Then the witnesses' cosignatures of those checkpoints (a later checkpoint's are not in this export).
  const sizes = new Set(checkpoints.map((checkpoint) => checkpoint.treeSize).filter((size) => size !== undefined));
  const cosignatures = deps.checkpoints.allCosignatures(accountId);
  try {
    for await (const doc of cosignatures) {
      if (sizes.has(doc.treeSize)) yield `${JSON.stringify({ kind: 'cosignature', cosignature: toCosignatureView(doc) })}\n`;
    }
  } finally {
    await cosignatures.close();
  }
}
