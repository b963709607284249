export { AUDIT_EVENTS_QUEUE, AUDIT_RECORDED_QUEUE, AUDIT_EVENTS_QUARANTINE_QUEUE } from './queue-names';
export { changeEventSchema, auditTypes, actorSchema } from './change-event';
export type { ChangeEvent, AuditType, Actor, ChangeDetail, RecordedEvent } from './change-event';
export { buildChangeEvent } from './build-change-event';
export type { ChangeEventInit } from './build-change-event';
export { AUDIT_EVENT_PRODUCERS, AUDIT_SERVICE, ChangeEventSigner, ChangeEventVerifier, eventMacInput, mayProduce, PLATFORM_CHAIN, signedChangeEventSchema } from './event-auth';
export type { EventRejection, EventVerification, ProducerKey, SignedChangeEvent } from './event-auth';
