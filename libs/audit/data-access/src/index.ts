export { auditRecordModel, auditRecordSchema, ImmutableAuditRecordError } from './audit-record.model';
export type { AuditRecordDoc } from './audit-record.model';
export { auditCheckpointModel, auditCheckpointSchema } from './audit-checkpoint.model';
export type { AuditCheckpointDoc } from './audit-checkpoint.model';
export { AuditRecordRepository, toAuditRecord } from './audit-record.repository';
export type { AuditRecordFilter } from './audit-record.repository';
export { AuditCheckpointRepository } from './audit-checkpoint.repository';
