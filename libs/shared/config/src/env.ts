import { z } from 'zod';

/** Raised at start-up when the environment is unusable; the message names every bad variable. */
export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid configuration:\n${issues.map((issue) => `  - ${issue}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** `true`/`false`/`1`/`0` strings, as operators write them in env files. */
export const booleanFlag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', ''])
    .optional()
    .transform((value) => (value === undefined || value === '' ? fallback : value === 'true' || value === '1'));

/** A TCP port, with the service's own default. */
export const portVariable = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

/** Variables of every Warden process that serves HTTP, the gateway included. */
export const baseEnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FILE: z.string().optional(),
  PORT: z.coerce.number().int().min(0).max(65535),
  /** Interface to listen on; every interface when unset (the gateway, the public door). Services default to loopback. */
  HOST: z.string().min(1).optional(),
  /**
   * Port of the operations server (`/metrics`, detailed `/readyz`); `PORT + 1000` when unset, and
   * an ephemeral port when `PORT` is 0. Filled in by `loadEnv`.
   */
  ADMIN_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  /** Interface of the operations server: loopback unless the operator opens it. */
  ADMIN_HOST: z.string().min(1).default('127.0.0.1'),
  REDIS_URL: z.string().regex(/^rediss?(\+cluster)?:\/\//, 'must be a redis://, rediss://, redis+cluster:// or rediss+cluster:// URL'),
  /**
   * How long the server keeps an idle keep-alive connection. Above the idle timeout of the load
   * balancer in front (60 s by default on an AWS ALB, 600 s for Google Cloud's HTTP(S) balancers) so
   * that the balancer, not the server, closes idle connections: the other way round it may send a
   * request on a socket the server is closing, and its client gets a 502.
   */
  KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(65_000),
  /**
   * How long a client may take to send a request's headers: a slow client is cut then. Default:
   * KEEP_ALIVE_TIMEOUT_MS plus 1 s, at most 66 s (a kept-alive connection's idle time does not count
   * toward it on Node 18 and later, so it need not outlast a longer keep-alive).
   */
  HEADERS_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(600_000).optional(),
});
export type BaseEnv = z.infer<typeof baseEnvSchema>;

/** BullMQ key prefix of the audit queues (audit-events, audit-recorded); tests give each suite its own. */
export const auditQueuePrefixVariable = z.string().regex(/^[A-Za-z0-9_:-]{1,64}$/).optional();

/** Variables shared by the services behind the gateway: each has its own database and reports to the audit queues. */
export const serviceEnvSchema = baseEnvSchema.extend({
  /** Only the gateway calls a service: loopback unless the operator says otherwise (containers set 0.0.0.0). */
  HOST: z.string().min(1).default('127.0.0.1'),
  MONGODB_URL: z.string().regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// URL'),
  AUDIT_QUEUE_PREFIX: auditQueuePrefixVariable,
});
export type ServiceEnv = z.infer<typeof serviceEnvSchema>;

/** Variables of a service whose documents carry an outbox of change events. */
export const outboxEnvShape = {
  /** Safety-net poll of the outbox relay; writes also kick it at once. */
  OUTBOX_POLL_MS: z.coerce.number().int().min(50).max(600_000).default(1_000),
  /** A replica leaves another replica's pending events alone this long (see OutboxRelayOptions.takeOverAfterMs). */
  OUTBOX_TAKE_OVER_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(10_000),
  /** The audit service, asked which published events it has recorded: an event leaves its outbox only then. */
  AUDIT_SERVICE_URL: z.string().url().default('http://127.0.0.1:3003'),
  /** A published event is first asked about this long after it was published. */
  OUTBOX_CONFIRM_AFTER_MS: z.coerce.number().int().min(0).max(3_600_000).default(3_000),
  /** A published event the audit service has not recorded this long after is published again (Redis may have lost it). */
  OUTBOX_REPUBLISH_AFTER_MS: z.coerce.number().int().min(1_000).max(86_400_000).default(30_000),
};

/**
 * Parses `env` with `schema`. No secret has a default: a process started without one refuses to
 * start and names the variable, whatever `NODE_ENV` says.
 */
export function loadEnv<S extends z.ZodType>(schema: S, env: Record<string, string | undefined>): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return withAdminPort(result.data);
  const issues = result.error.issues.map((issue) => {
    const variable = issue.path.join('.') || '(environment)';
    const message = issue.code === 'invalid_type' && env[variable] === undefined ? 'is required but not set' : issue.message;
    return `${variable}: ${message}`;
  });
  throw new ConfigError(issues);
}

/** Distance between a process's public port and its operations port when `ADMIN_PORT` is unset. */
export const ADMIN_PORT_OFFSET = 1000;

/** The operations port of a process listening on `port`: `port + 1000`, or ephemeral (0) for an ephemeral `port`. */
export function defaultAdminPort(port: number): number {
  return port === 0 ? 0 : port + ADMIN_PORT_OFFSET;
}

/** Fills `ADMIN_PORT` in for a process that serves HTTP (a `PORT`), refusing a port that cannot work. */
function withAdminPort<T>(config: T): T {
  const http = config as { PORT?: unknown; ADMIN_PORT?: number };
  if (typeof http.PORT !== 'number') return config;
  const port = http.PORT;
  const adminPort = http.ADMIN_PORT ?? defaultAdminPort(port);
  if (adminPort > 65535) throw new ConfigError([`ADMIN_PORT: is required when PORT is above ${65535 - ADMIN_PORT_OFFSET} (PORT + ${ADMIN_PORT_OFFSET} is not a port)`]);
  if (adminPort !== 0 && adminPort === port) throw new ConfigError([`ADMIN_PORT: must differ from PORT (${port})`]);
  return { ...config, ADMIN_PORT: adminPort, ...withHeadersTimeout(config as { KEEP_ALIVE_TIMEOUT_MS?: number; HEADERS_TIMEOUT_MS?: number }) };
}

/**
 * The longest default for the headers timeout: above a 60 s balancer's idle timeout, as the
 * keep-alive default is, but no longer than that, so a raised keep-alive does not give a client
 * that trickles its headers minutes to hold a connection.
 */
export const DEFAULT_HEADERS_TIMEOUT_MS = 66_000;

/** The headers timeout a server gets when none is set: its keep-alive timeout plus 1 s, at most `DEFAULT_HEADERS_TIMEOUT_MS`. */
export function defaultHeadersTimeout(keepAliveTimeoutMs: number): number {
  return Math.min(keepAliveTimeoutMs + 1_000, DEFAULT_HEADERS_TIMEOUT_MS);
}

/** Fills `HEADERS_TIMEOUT_MS` in from the keep-alive timeout when it is not set. */
function withHeadersTimeout({ KEEP_ALIVE_TIMEOUT_MS: keepAlive, HEADERS_TIMEOUT_MS: headers }: { KEEP_ALIVE_TIMEOUT_MS?: number; HEADERS_TIMEOUT_MS?: number }) {
  if (keepAlive === undefined) return {};
  return { HEADERS_TIMEOUT_MS: headers ?? defaultHeadersTimeout(keepAlive) };
}
