import { randomUUID } from 'node:crypto';
import type { Actor, AuditType, ChangeEvent } from './change-event';

type Snapshot = Record<string, unknown>;

export interface ChangeEventInit {
  accountId: string;
  objectType: string;
  auditType: AuditType;
  objectId: string;
  actor: Actor;
  remoteIp: string | null;
  requestId?: string | null;
  prior?: Snapshot;
  after?: Snapshot;
  /** Extra detail for actions that are not plain CRUD (e.g. which secret fields a reveal returned). */
  extra?: Record<string, unknown>;
  now?: Date;
}

/** Builds an event with the detail shape of DESIGN.md: create/after, update/prior+after, delete/prior. */
export function buildChangeEvent(init: ChangeEventInit): ChangeEvent {
  const { prior, after, auditType, objectType } = init;
  const change =
    auditType === 'Created'
      ? { create: { after: after ?? {} } }
      : auditType === 'Deleted'
        ? { delete: { prior: prior ?? {} } }
        : prior || after
          ? { update: { prior: prior ?? {}, after: after ?? {} } }
          : {};
  return {
    id: randomUUID(),
    accountId: init.accountId,
    objectType,
    auditType,
    objectId: init.objectId,
    actor: init.actor,
    username: init.actor.name,
    remoteIp: init.remoteIp,
    requestId: init.requestId ?? null,
    occurredAt: (init.now ?? new Date()).toISOString(),
    detail: { ...change, ...init.extra, auditType, auditObject: objectType },
  };
}
