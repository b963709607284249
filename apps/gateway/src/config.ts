import { z } from 'zod';
import { loadEnv, withDevDefaults } from '@warden/config';

const url = z.string().url();

const schema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FILE: z.string().optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL'),
  INTERNAL_SIGNING_KEY: z.string().min(32, 'must be at least 32 characters'),
  TOKEN_SERVICE_URL: url.default('http://127.0.0.1:3001'),
  CREDENTIAL_SERVICE_URL: url.default('http://127.0.0.1:3002'),
  AUDIT_SERVICE_URL: url.default('http://127.0.0.1:3003'),
  UPSTREAM_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /** Believe X-Forwarded-For/-Proto only behind a proxy the operator names (Express `trust proxy` syntax). */
  TRUST_PROXY: z.string().default('false'),
  BODY_LIMIT: z.string().regex(/^\d+(b|kb|mb)$/i, 'must look like 64kb or 1mb').default('64kb'),
});
export type GatewayConfig = z.infer<typeof schema>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  return loadEnv(schema, withDevDefaults(env));
}

/** Express' `trust proxy` accepts booleans, hop counts and address lists; env only gives strings. */
export function trustProxySetting(value: string): boolean | number | string {
  if (value === 'true' || value === 'false') return value === 'true';
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}

