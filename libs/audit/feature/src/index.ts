export { buildRecord } from './build-record';
export { RecordSealer, loadRecordSealKey, recordSealKeyOf } from './record-seal';
export { redactSecrets } from './secret-redaction';
