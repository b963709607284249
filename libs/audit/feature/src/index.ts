export { buildRecord } from './build-record';
export { RecordSealer } from './record-seal';
export { redactSecrets } from './secret-redaction';
