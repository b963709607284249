import { PLATFORM_CHAIN } from '@warden/contracts-events';

/**
 * The owner of platform tokens and of the platform's audit chain. It is not an account: no account
 * document has it, it is never a UUID (so no account path can name it), and an account's routes
 * refuse every identity that carries it.
 */
export const PLATFORM_OWNER = PLATFORM_CHAIN;

/** The scopes only a platform token holds; an account token never does, and a platform token holds nothing else. */
export const PLATFORM_SCOPES = Object.freeze(['platform:accounts:read', 'platform:accounts:write'] as const);
export type PlatformScope = (typeof PLATFORM_SCOPES)[number];
