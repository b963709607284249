import { randomUUID } from 'node:crypto';
import type { InternalKey } from '@warden/config';
import { IdentitySigner, bodyDigest } from '@warden/http';
import { isRecordPosition, type AuditAnchors, type AuditHead } from './audit-anchors';

/** The audit service's internal route that says which event ids it has recorded. */
export const RECORDED_EVENTS_PATH = '/internal/v1/audit/recorded';
/** Most event ids one request may ask about. */
export const RECORDED_EVENTS_MAX_IDS = 500;

export interface RecordedEventsClientOptions {
  /** The audit service's base URL (`AUDIT_SERVICE_URL`). */
  auditServiceUrl: string;
  /** This process's name as an internal caller: it signs with its `<caller>>audit-service` key. */
  caller: string;
  keys: InternalKey[];
  /**
   * Where the heads the audit service names in its answer are kept (this service's own database):
   * stored before the ids are handed back, so no event leaves an outbox without its anchor.
   */
  anchors?: AuditAnchors;
  timeoutMs?: number;
}

const isHead = (value: unknown): value is AuditHead => isRecordPosition(value) && typeof (value as AuditHead).accountId === 'string';

/**
 * Asks the audit service which of `eventIds` it has recorded (`POST /internal/v1/audit/recorded`,
 * in requests of at most 500 ids) and resolves with those ids, once the newest record of each account
 * among them is anchored (`anchors`). Rejects when the service cannot be reached or refuses, or the
 * anchor cannot be stored: the relay then leaves the events in their outboxes and asks again later.
 */
export function recordedEventsClient({ auditServiceUrl, caller, keys, anchors, timeoutMs = 5_000 }: RecordedEventsClientOptions): (eventIds: string[]) => Promise<string[]> {
  const signer = new IdentitySigner(caller, keys);
  const url = new URL(RECORDED_EVENTS_PATH, auditServiceUrl);
  const ask = async (eventIds: string[]): Promise<string[]> => {
    const body = JSON.stringify({ eventIds });
    const identity = signer.sign(
      'audit-service',
      { kind: 'service', accountId: 'system', name: caller, scopes: [], clientIp: null, requestId: randomUUID() },
      { method: 'POST', url: RECORDED_EVENTS_PATH, digest: bodyDigest(body) },
    );
    const response = await fetch(url, { method: 'POST', headers: { ...identity, 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(timeoutMs) });
    const answer = (await response.json().catch(() => ({}))) as { data?: { recorded?: unknown; heads?: unknown } };
    const recorded = answer.data?.recorded;
    if (!response.ok || !Array.isArray(recorded)) throw new Error(`the audit service answered ${response.status} to ${RECORDED_EVENTS_PATH}`);
    const heads = answer.data?.heads;
    if (anchors && Array.isArray(heads)) await anchors.advance(heads.filter(isHead));
    return recorded.filter((id): id is string => typeof id === 'string');
  };
  return async (eventIds) => {
    const recorded: string[] = [];
    for (let i = 0; i < eventIds.length; i += RECORDED_EVENTS_MAX_IDS) recorded.push(...(await ask(eventIds.slice(i, i + RECORDED_EVENTS_MAX_IDS))));
    return recorded;
  };
}
