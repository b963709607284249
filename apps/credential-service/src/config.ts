import { z } from 'zod';
import { internalKeysVariable, loadEnv, outboxEnvShape, portVariable, serviceEnvSchema } from '@warden/config';
import { encryptionKeysVariable } from '@warden/envelope';

const schema = serviceEnvSchema.extend({
  PORT: portVariable(3002),
  /**
   * The gateway's key(s) for this service, and those of every internal caller `SECRET_READERS` names;
   * and its own producer key for the audit service, which signs every change event it publishes.
   */
  INTERNAL_KEYS: internalKeysVariable([
    { caller: 'gateway', audience: 'credential-service' },
    { caller: 'credential-service', audience: 'audit-service' },
  ]),
  /**
   * Internal callers (by the name in their `INTERNAL_KEYS` entries) that may read decrypted secrets
   * at `GET /internal/v1/credentials/{idOrMoniker}/secrets`, comma-separated; none by default.
   */
  SECRET_READERS: z
    .string()
    .default('')
    .transform((value) => value.split(',').map((name) => name.trim()).filter(Boolean))
    .refine((names) => !names.includes('gateway'), { message: 'must not name the gateway: secrets leave only through the audited reveal route' }),
  MONGODB_DB: z.string().regex(/^[A-Za-z0-9_-]{1,63}$/).default('warden_credentials'),
  /** `keyId:base64(32 bytes)`, comma-separated, oldest first: the last one encrypts, all decrypt. */
  CREDENTIAL_ENCRYPTION_KEYS: encryptionKeysVariable(),
  ...outboxEnvShape,
});
export type CredentialServiceConfig = z.infer<typeof schema>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): CredentialServiceConfig {
  return loadEnv(schema, env);
}
