export {
  loadEnv,
  ConfigError,
  baseEnvSchema,
  serviceEnvSchema,
  outboxEnvShape,
  portVariable,
  auditQueuePrefixVariable,
  defaultAdminPort,
  ADMIN_PORT_OFFSET, devDefault, booleanFlag, withDevDefaults, DEV_INTERNAL_SIGNING_KEY } from './env';
export type { BaseEnv, ServiceEnv } from './env';
export { createLogger, REDACT_PATHS } from './logger';
export type { Logger } from './logger';
