import { createLogger, type Logger } from '@warden/config';

/** Services under test log to the run's shared file (scanned for leaked secrets), never the console. */
export function testLogger(name: string): Logger {
  const file = process.env.WARDEN_TEST_LOG_FILE;
  return createLogger({ name, level: file ? 'info' : 'silent', file });
}
