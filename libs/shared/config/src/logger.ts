import pino from 'pino';

export type Logger = pino.Logger;

/** Anything that could carry a secret is removed before a line is written. */
export const REDACT_PATHS = [
  'authorization',
  '*.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  // A minted internal identity works for seconds on another replica: never in a log.
  'req.headers["x-warden-identity"]',
  'token',
  '*.token',
  'secret',
  '*.secret',
  'secrets',
  '*.secrets',
  'password',
  '*.password',
  'clientSecret',
  '*.clientSecret',
  'key',
  '*.key',
];

export interface LoggerOptions {
  name: string;
  level?: string;
  /** Append to this file instead of stdout (the test harness scans it for leaked secrets). */
  file?: string;
}

export function createLogger({ name, level = 'info', file }: LoggerOptions): Logger {
  // Standard output is written asynchronously in 4 KiB chunks: a synchronous write per line would
  // be a system call on every request. A log file (the test harness scans it) is written at once.
  const destination = file
    ? pino.destination({ dest: file, sync: true, append: true, mkdir: true })
    : pino.destination({ dest: 1, sync: false, minLength: 4096 });
  return pino(
    {
      name,
      level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { service: name },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
