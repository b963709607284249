import { z } from 'zod';
import { loadEnv, serviceEnvSchema, withDevDefaults } from '@warden/config';
import { DEV_CREDENTIAL_ENCRYPTION_KEYS, parseEncryptionKeys } from '@warden/credentials-data-access';

const schema = serviceEnvSchema.extend({
  PORT: z.coerce.number().int().min(0).max(65535).default(3002),
  MONGODB_DB: z.string().regex(/^[A-Za-z0-9_-]{1,63}$/).default('warden_credentials'),
  /** `keyId:base64(32 bytes)`, comma-separated, oldest first: the last one encrypts, all decrypt. */
  CREDENTIAL_ENCRYPTION_KEYS: z.string().superRefine((value, ctx) => {
    try {
      parseEncryptionKeys(value);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
    }
  }),
  /** Safety-net poll of the outbox relay (events normally go out right after each write). */
  OUTBOX_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(1_000),
  /** A replica leaves another replica's pending events alone this long (see OutboxRelayOptions.takeOverAfterMs). */
  OUTBOX_TAKE_OVER_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(10_000),
});
export type CredentialServiceConfig = z.infer<typeof schema>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): CredentialServiceConfig {
  return loadEnv(schema, withDevDefaults(env, { CREDENTIAL_ENCRYPTION_KEYS: DEV_CREDENTIAL_ENCRYPTION_KEYS }));
}
