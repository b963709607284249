import { z } from 'zod';

/** Raised at start-up when the environment is unusable; the message names every bad variable. */
export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid configuration:\n${issues.map((issue) => `  - ${issue}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const isProduction = (env: NodeJS.ProcessEnv) => env.NODE_ENV === 'production';

/**
 * A value every developer machine can start with, refused in production so that a forgotten
 * secret fails loudly instead of running with a published key.
 */
export function devDefault(name: string, value: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env[name] !== undefined && env[name] !== '') return env[name];
  return isProduction(env) ? undefined : value;
}

/** `true`/`false`/`1`/`0` strings, as operators write them in env files. */
export const booleanFlag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', ''])
    .optional()
    .transform((value) => (value === undefined || value === '' ? fallback : value === 'true' || value === '1'));

/** Variables shared by every Warden service. */
export const serviceEnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FILE: z.string().optional(),
  PORT: z.coerce.number().int().min(0).max(65535),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL'),
  MONGODB_URL: z.string().regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// URL'),
  INTERNAL_SIGNING_KEY: z.string().min(32, 'must be at least 32 characters'),
});
export type ServiceEnv = z.infer<typeof serviceEnvSchema>;

/**
 * Parses `env` with `schema`. Secrets with development defaults are filled in by the caller
 * through `devDefault` before parsing, so production never sees them.
 */
export function loadEnv<S extends z.ZodType>(schema: S, env: Record<string, string | undefined>): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => {
    const variable = issue.path.join('.') || '(environment)';
    const message = issue.code === 'invalid_type' && env[variable] === undefined ? 'is required but not set' : issue.message;
    return `${variable}: ${message}`;
  });
  throw new ConfigError(issues);
}

/** Published on purpose: it only ever signs requests on a developer's machine. */
export const DEV_INTERNAL_SIGNING_KEY = 'warden-dev-internal-signing-key-not-for-production';

/** The environment with development-only defaults for the shared secrets filled in. */
export function withDevDefaults(env: NodeJS.ProcessEnv, defaults: Record<string, string> = {}): NodeJS.ProcessEnv {
  const all = { INTERNAL_SIGNING_KEY: DEV_INTERNAL_SIGNING_KEY, ...defaults };
  return { ...env, ...Object.fromEntries(Object.entries(all).map(([name, value]) => [name, devDefault(name, value, env)])) };
}
