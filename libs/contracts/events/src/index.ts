export { AUDIT_EVENTS_QUEUE, AUDIT_RECORDED_QUEUE } from './queue-names';
export { changeEventSchema, auditTypes, actorSchema } from './change-event';
export type { ChangeEvent, AuditType, Actor, ChangeDetail, RecordedEvent } from './change-event';
export { buildChangeEvent } from './build-change-event';
export type { ChangeEventInit } from './build-change-event';
