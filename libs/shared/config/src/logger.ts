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

/** A line buffered for standard output is written within about this long, however quiet the process. */
export const LOG_FLUSH_MS = 1_000;
/** Standard output is written in chunks of about this many bytes: each write is a system call. */
const LOG_CHUNK_BYTES = 16_000;

export function createLogger({ name, level = 'info', file }: LoggerOptions): Logger {
  const options: pino.LoggerOptions = {
    name,
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: { service: name },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  // A log file (the test harness scans it) is written at once.
  if (file) return pino(options, pino.destination({ dest: file, sync: true, append: true, mkdir: true }));
  // Standard output is written asynchronously in chunks, not with a system call per line (a busy
  // process's hottest one after its sockets). A timer writes out what a quiet process has buffered;
  // twice after the last line, in case the first found a write in progress.
  const destination = pino.destination({ dest: 1, sync: false, minLength: LOG_CHUNK_BYTES });
  let unflushed = 0;
  setInterval(() => {
    if (unflushed === 0) return;
    unflushed--;
    // With a callback, a stream already ended (at exit) reports instead of throwing from the timer.
    destination.flush(() => undefined);
  }, LOG_FLUSH_MS).unref();
  const hooks = {
    streamWrite: (line: string) => {
      unflushed = 2;
      return line;
    },
  };
  return pino({ ...options, hooks }, destination);
}
