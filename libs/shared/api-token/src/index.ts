export { generateTokenSecret, parseTokenSecret, tokenHint, TOKEN_PREFIX } from './token-secret';
export type { ParsedTokenSecret } from './token-secret';
export {
  accountLimitKey,
  accountSlotTag,
  lastUsedKey,
  legacyAccountLimitKey,
  legacyTokenVersionKey,
  tokenVersionKey,
  LAST_USED_KEY_PATTERN,
  LEGACY_LAST_USED_HASH_KEY,
} from './redis-keys';
export { PLATFORM_OWNER, PLATFORM_SCOPES } from './platform';
export type { PlatformScope } from './platform';
