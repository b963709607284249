import { randomUUID } from 'node:crypto';
import type { ChangeEvent } from '@warden/contracts-events';
import { chainRecord, type ChainHead } from '@warden/audit-client';
import type { AuditRecordDoc } from '@warden/audit-data-access';
import type { RecordSealer } from './record-seal';

/** An event as a chain link on top of `prev` (detail already redacted by the caller). */
export function buildRecord(event: ChangeEvent, prev: ChainHead, sealer: RecordSealer): AuditRecordDoc {
  const timestamp = new Date(event.occurredAt);
  const record = chainRecord({
    id: randomUUID(),
    seq: prev.seq + 1,
    timestamp: timestamp.toISOString(),
    objectType: event.objectType,
    auditType: event.auditType,
    objectId: event.objectId,
    username: event.username,
    actor: { type: event.actor.type, id: event.actor.id, name: event.actor.name },
    remoteIp: event.remoteIp ?? null,
    // A JSON round trip: what is stored is exactly what the canonical text says (no undefined, no Dates).
    detail: JSON.parse(JSON.stringify(event.detail)),
    prevHash: prev.hash,
  });
  return {
    _id: record.id,
    accountId: event.accountId,
    seq: record.seq,
    timestamp,
    objectType: record.objectType,
    auditType: event.auditType,
    objectId: record.objectId,
    username: record.username,
    actor: { type: event.actor.type, id: event.actor.id, name: event.actor.name },
    remoteIp: record.remoteIp,
    detail: record.detail,
    prevHash: record.prevHash,
    hash: record.hash,
    canonical: record.canonical,
    eventId: event.id,
    seal: sealer.seal(event.accountId, record.seq, record.hash),
  };
}
