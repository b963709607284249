export {
  loadEnv,
  ConfigError,
  baseEnvSchema,
  serviceEnvSchema,
  outboxEnvShape,
  portVariable,
  auditQueuePrefixVariable,
  defaultAdminPort,
  ADMIN_PORT_OFFSET, booleanFlag,
  defaultHeadersTimeout } from './env';
export type { BaseEnv, ServiceEnv } from './env';
export { parseInternalKeys, generateInternalKey, internalKeysVariable } from './internal-keys';
export type { InternalKey, InternalParty } from './internal-keys';
export { createLogger, REDACT_PATHS } from './logger';
export type { Logger } from './logger';
