import { z } from 'zod';
import { baseEnvSchema, booleanFlag, loadEnv, portVariable, withDevDefaults } from '@warden/config';

const url = z.string().url();

const schema = baseEnvSchema.extend({
  PORT: portVariable(8080),
  TOKEN_SERVICE_URL: url.default('http://127.0.0.1:3001'),
  CREDENTIAL_SERVICE_URL: url.default('http://127.0.0.1:3002'),
  AUDIT_SERVICE_URL: url.default('http://127.0.0.1:3003'),
  UPSTREAM_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /** Believe X-Forwarded-For/-Proto only behind a proxy the operator names (Express `trust proxy` syntax). */
  TRUST_PROXY: z.string().default('false'),
  BODY_LIMIT: z.string().regex(/^\d+(b|kb|mb)$/i, 'must look like 64kb or 1mb').default('64kb'),
  /** Refuse plain HTTP (403). Defaults to on in production. */
  REQUIRE_HTTPS: booleanFlag(false),
  /** Terminate TLS here: PEM certificate chain and private key. */
  TLS_CERT_FILE: z.string().optional(),
  TLS_KEY_FILE: z.string().optional(),
  /** Origins allowed to call the API from a browser, comma-separated; none by default. */
  CORS_ORIGINS: z
    .string()
    .default('')
    .transform((value) => value.split(',').map((origin) => origin.trim()).filter(Boolean)),
  /** Default per-token quota (a token's own `rateLimit` replaces it): requests per sliding window. */
  RATE_LIMIT_PER_TOKEN: z.coerce.number().int().min(1).max(100_000).default(60),
  RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  /**
   * Default account-wide quota, spent by every token of an account together (the operator may set
   * an account's own with `warden accounts rate-limit`), so that minting tokens does not multiply it.
   */
  RATE_LIMIT_PER_ACCOUNT: z.coerce.number().int().min(1).max(1_000_000).default(1_000),
  RATE_LIMIT_ACCOUNT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  /**
   * Quota per client IP (per /64 for IPv6) for failed requests only: `401` (no valid token) and uses
   * of a token from outside its allowlist (`403`); past it those answers are `429`. A valid token
   * used from an address its allowlist admits is never held back by it.
   */
  RATE_LIMIT_PER_IP: z.coerce.number().int().min(1).max(100_000).default(10),
  RATE_LIMIT_IP_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  /**
   * Verifications (uncached secrets sent to the token service) per client IP per second: keeps
   * floods of well-formed unknown secrets away from the token service. The one per-IP limit a
   * valid token can meet, set high enough that a normal client never does.
   */
  RATE_LIMIT_VERIFY_PER_IP_PER_SECOND: z.coerce.number().int().min(1).max(100_000).default(100),
  /** Prefix of the rate-limit keys in Redis (tests give each suite its own). */
  RATE_LIMIT_KEY_PREFIX: z.string().min(1).default('warden:rl:'),
  /** How long a replica reuses a verification; every use is still checked against Redis. At most 30 s. */
  AUTH_CACHE_TTL_SECONDS: z.coerce.number().min(0).max(30).default(30),
  AUTH_CACHE_MAX_ENTRIES: z.coerce.number().int().min(1).default(10_000),
  TOKEN_VERIFY_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(2_000),
  /** A Redis call slower than this counts as an outage (the in-memory limiter takes over). */
  REDIS_COMMAND_TIMEOUT_MS: z.coerce.number().int().min(10).max(60_000).default(500),
});
export type GatewayConfig = z.infer<typeof schema>;

const withTls = schema.refine((config) => Boolean(config.TLS_CERT_FILE) === Boolean(config.TLS_KEY_FILE), {
  message: 'TLS_CERT_FILE and TLS_KEY_FILE must be set together',
  path: ['TLS_KEY_FILE'],
});

export function loadConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  // HTTPS is required in production unless the operator says otherwise.
  const requireHttps = env.REQUIRE_HTTPS ?? (env.NODE_ENV === 'production' ? 'true' : 'false');
  return loadEnv(withTls, { ...withDevDefaults(env), REQUIRE_HTTPS: requireHttps });
}

/**
 * The gateway's Redis connection: commands issued in the same tick share one write (auto-pipelining;
 * each request still waits for exactly one reply), and a slow Redis counts as an outage.
 */
export function gatewayRedisOptions(config: Pick<GatewayConfig, 'REDIS_COMMAND_TIMEOUT_MS'>) {
  return { commandTimeout: config.REDIS_COMMAND_TIMEOUT_MS, enableAutoPipelining: true };
}

/** Express' `trust proxy` accepts booleans, hop counts and address lists; env only gives strings. */
export function trustProxySetting(value: string): boolean | number | string {
  if (value === 'true' || value === 'false') return value === 'true';
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}

