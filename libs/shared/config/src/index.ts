export { loadEnv, ConfigError, serviceEnvSchema, devDefault, booleanFlag, withDevDefaults, DEV_INTERNAL_SIGNING_KEY } from './env';
export type { ServiceEnv } from './env';
export { createLogger, REDACT_PATHS } from './logger';
export type { Logger } from './logger';
