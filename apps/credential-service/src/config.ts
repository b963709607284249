import { z } from 'zod';
import { loadEnv, serviceEnvSchema, withDevDefaults } from '@warden/config';

const schema = serviceEnvSchema.extend({
  PORT: z.coerce.number().int().min(0).max(65535).default(3002),
  MONGODB_DB: z.string().regex(/^[A-Za-z0-9_-]{1,63}$/).default('warden_credentials'),
});
export type CredentialServiceConfig = z.infer<typeof schema>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): CredentialServiceConfig {
  return loadEnv(schema, withDevDefaults(env));
}
