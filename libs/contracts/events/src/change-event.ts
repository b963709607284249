import { z } from 'zod';

export const auditTypes = ['Created', 'Updated', 'Deleted', 'Revealed', 'Rotated'] as const;
export type AuditType = (typeof auditTypes)[number];

export const actorSchema = z.object({
  /** `token`: an API token acting for its account; `service`: a named service account or internal service; `operator`: the CLI. */
  type: z.enum(['token', 'service', 'operator', 'system']),
  id: z.string().min(1).max(200),
  name: z.string().min(1).max(200),
});
export type Actor = z.infer<typeof actorSchema>;

const snapshot = z.record(z.string(), z.unknown());

/** The before/after shape DESIGN.md gives for audit detail. */
export const changeDetailSchema = z
  .object({
    create: z.object({ after: snapshot }).optional(),
    update: z.object({ prior: snapshot, after: snapshot }).optional(),
    delete: z.object({ prior: snapshot }).optional(),
    reveal: z.object({ fields: z.array(z.string()) }).optional(),
    rotate: z.object({ prior: snapshot, after: snapshot }).optional(),
    auditType: z.enum(auditTypes),
    auditObject: z.string(),
  })
  .catchall(z.unknown());
export type ChangeDetail = z.infer<typeof changeDetailSchema>;

/** What a producer reports and the audit worker records: never a secret, a hash of one or a ciphertext. */
export const changeEventSchema = z.object({
  id: z.uuid(),
  accountId: z.string().min(1).max(100),
  objectType: z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,63}$/),
  auditType: z.enum(auditTypes),
  objectId: z.string().min(1).max(200),
  actor: actorSchema,
  /** The API token or service account that acted, as audit lists show it. */
  username: z.string().min(1).max(200),
  remoteIp: z.string().max(64).nullable(),
  occurredAt: z.iso.datetime(),
  requestId: z.string().max(128).nullable().optional(),
  detail: changeDetailSchema,
});
export type ChangeEvent = z.infer<typeof changeEventSchema>;

/** Published on `audit-recorded` once the event is a chained record. */
export interface RecordedEvent {
  event: ChangeEvent;
  record: { id: string; seq: number; hash: string; prevHash: string; timestamp: string };
}
