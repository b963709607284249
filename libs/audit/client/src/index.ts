export { GENESIS_HASH, CONTENT_FIELDS, canonicalContent, leafHash, chainRecord } from './chain';
export type { AuditRecord, AuditRecordWithCanonical, AuditRecordContent, ChainHead } from './chain';
export {
  CheckpointKeyring,
  CheckpointSigner,
  auditLogOrigin,
  checkpointMessage,
  formatPreviousPublicKey,
  keyIdOf,
  loadPublicKey,
  loadSigningKey,
  parsePreviousPublicKeys,
  publicKeyPem,
  verifyCheckpoint,
} from './checkpoint';
export type { AuditCheckpoint, CheckpointStatement, TrustedCheckpointKey } from './checkpoint';
export { ChainVerifier, jsonEqual, selfCheck } from './chain-verifier';
export type { ChainFailure, ChainVerification, CheckedRecord } from './chain-verifier';
export { verifyExportFile, verifyExportStream, fileSize, defaultVerifyThreads } from './export-verifier';
export type { ExportCosignature, ExportVerification, ExportVerifyOptions } from './export-verifier';
export { AuditReporter, InvalidChangeEventError } from './audit-reporter.producer';
export { createRecordedQueue, publishRecorded, consumeRecordedEvents, followRecordedEvents } from './recorded-events';
export { RecordedRetention } from './recorded-retention';
export type { RecordedRetentionOptions } from './recorded-retention';
export type { RecordedConsumerOptions } from './recorded-events';
export { buildChangeEvent } from '@warden/contracts-events';
export type { ChangeEvent, ChangeEventInit, RecordedEvent } from '@warden/contracts-events';
// Verifiable log primitives (RFC 9162 Merkle trees, C2SP signed notes, checkpoints and cosignatures),
// as one namespace since some names (leafHash, the checkpoint functions) differ from the chain's.
export * as transparency from './transparency';
