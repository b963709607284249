import { z } from 'zod';
import { loadEnv, outboxEnvShape, portVariable, serviceEnvSchema, withDevDefaults } from '@warden/config';
import { DEV_CREDENTIAL_ENCRYPTION_KEYS, parseEncryptionKeys } from '@warden/credentials-data-access';

const schema = serviceEnvSchema.extend({
  PORT: portVariable(3002),
  MONGODB_DB: z.string().regex(/^[A-Za-z0-9_-]{1,63}$/).default('warden_credentials'),
  /** `keyId:base64(32 bytes)`, comma-separated, oldest first: the last one encrypts, all decrypt. */
  CREDENTIAL_ENCRYPTION_KEYS: z.string().superRefine((value, ctx) => {
    try {
      parseEncryptionKeys(value);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
    }
  }),
  ...outboxEnvShape,
});
export type CredentialServiceConfig = z.infer<typeof schema>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): CredentialServiceConfig {
  return loadEnv(schema, withDevDefaults(env, { CREDENTIAL_ENCRYPTION_KEYS: DEV_CREDENTIAL_ENCRYPTION_KEYS }));
}
