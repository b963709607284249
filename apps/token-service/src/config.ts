import { z } from 'zod';
import { internalKeysVariable, loadEnv, outboxEnvShape, portVariable, serviceEnvSchema } from '@warden/config';
import { encryptionKeysVariable } from '@warden/envelope';

const schema = serviceEnvSchema.extend({
  PORT: portVariable(3001),
  /**
   * The gateway's key(s) for this service: it accepts identities minted with them (see `docs/operations.md`);
   * and its own producer key for the audit service, which signs every change event it publishes.
   */
  INTERNAL_KEYS: internalKeysVariable([
    { caller: 'gateway', audience: 'token-service' },
    { caller: 'token-service', audience: 'audit-service' },
    // Deleting an account: the credential service destroys its data key when this service asks.
    { caller: 'token-service', audience: 'credential-service' },
  ]),
  /** Where the credential service is: a deleted account's credentials are shredded there. */
  CREDENTIAL_SERVICE_URL: z.string().url().default('http://127.0.0.1:3002'),
  MONGODB_DB: z.string().regex(/^[A-Za-z0-9_-]{1,63}$/).default('warden_tokens'),
  /** Key of the HMAC under which token secrets are stored; changing it invalidates every token. */
  TOKEN_HASH_KEY: z.string().min(32, 'must be at least 32 characters'),
  /** The key ring of recoverable tokens' secrets: `keyId:base64(32 bytes)`, comma-separated, oldest first; the last one wraps new data keys, all unwrap. */
  TOKEN_ENCRYPTION_KEYS: encryptionKeysVariable(),
  /** How often gateway-reported token uses are written to MongoDB (one bulk write per flush). */
  LAST_USED_FLUSH_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  /** Live (not revoked) API tokens one account may hold; creating one more is `409`. Caps how far per-token quotas multiply. */
  MAX_TOKENS_PER_ACCOUNT: z.coerce.number().int().min(1).max(1_000_000).default(1000),
  ...outboxEnvShape,
});
export type TokenServiceConfig = z.infer<typeof schema>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): TokenServiceConfig {
  return loadEnv(schema, env);
}
