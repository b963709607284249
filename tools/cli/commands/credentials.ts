import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { z } from 'zod';
import { createLogger, internalKeysVariable, loadEnv } from '@warden/config';
import { ChangeEventSigner, type Actor } from '@warden/contracts-events';
import { connectMongo } from '@warden/data';
import { encryptionKeysVariable } from '@warden/envelope';
import { flushOutboxOnce } from '@warden/queue';
// The operator CLI re-encrypts credentials the way the credential service stores them, through its data-access layer.
import {
  CredentialCipher,
  CredentialRepository,
  exclusiveWrite,
  rekeyCredentials,
  type RekeyResult,
} from '@warden/credentials-data-access';

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  MONGODB_URL: z.string().regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// URL'),
  /** The credential service's database (its MONGODB_DB). */
  CREDENTIAL_MONGODB_DB: z.string().regex(/^[A-Za-z0-9_-]{1,63}$/).default('warden_credentials'),
  REDIS_URL: z.string().regex(/^rediss?(\+cluster)?:\/\//, 'must be a redis://, rediss://, redis+cluster:// or rediss+cluster:// URL').optional(),
  CREDENTIAL_ENCRYPTION_KEYS: encryptionKeysVariable(),
  /** The CLI's key for the audit service (`cli>audit-service`) signs the events it publishes; without it the credential service's relay sends them. */
  INTERNAL_KEYS: internalKeysVariable([]).optional(),
});
export type CredentialsEnv = z.infer<typeof envSchema>;

export function loadCredentialsEnv(env: NodeJS.ProcessEnv = process.env): CredentialsEnv {
  return loadEnv(envSchema, { ...env, INTERNAL_KEYS: env.INTERNAL_KEYS || undefined });
}

export interface RekeyRun extends RekeyResult {
  /** Whether the audit events reached the queue now (else the credential service's relay sends them). */
  published: boolean;
}

/**
 * Re-wraps every account's data key under the newest key of CREDENTIAL_ENCRYPTION_KEYS (which must
 * still list the old keys), then re-seals every credential still sealed directly under a ring key,
 * or written before secrets versions existed, under its account's data key and a new secrets
 * version. Each credential is one conditional single-document write with its `Updated` audit event;
 * an interrupted run is finished by running it again, and a second run changes nothing.
 */
export async function runCredentialsRekey(
  env: CredentialsEnv,
  { batchSize = 100, queuePrefix, onProgress }: { batchSize?: number; queuePrefix?: string; onProgress?: (progress: { done: number; total: number }) => void } = {},
): Promise<RekeyRun> {
  const cipher = CredentialCipher.fromEnv(env.CREDENTIAL_ENCRYPTION_KEYS);
  const connection = await connectMongo(env.MONGODB_URL, env.CREDENTIAL_MONGODB_DB);
  try {
    const repository = new CredentialRepository(connection);
    await repository.init();
    const actor: Actor = { type: 'operator', id: `cli:${userInfo().username}`, name: 'operator' };
    const result = await rekeyCredentials({ repository, cipher, actor, batchSize, onProgress });
    const published =
      result.rekeyed === 0 ||
      (await flushOutboxOnce({
        redisUrl: env.REDIS_URL,
        models: [repository.model],
        exclusive: exclusiveWrite,
        logger: createLogger({ name: 'warden-cli', level: 'silent' }),
        signer: ChangeEventSigner.find('cli', env.INTERNAL_KEYS),
        queuePrefix,
      }));
    return { ...result, published };
  } finally {
    await connection.close();
  }
}

export function registerCredentialCommands(program: Command): void {
  const credentials = program.command('credentials').description('Operate the encrypted credential store');
  credentials
    .command('rekey')
    .description(
      "Re-wrap every account's data key under the newest (last) key of CREDENTIAL_ENCRYPTION_KEYS, and re-encrypt every credential " +
        "still sealed directly under a ring key (or written before secrets versions) under its account's data key and a new secrets " +
        'version; the older keys must still be listed. Afterwards only the newest key is needed. ' +
        'Idempotent and resumable; exits 1 if a data key or a credential could not be re-encrypted.',
    )
    .option('--batch-size <n>', 'credentials read per query', '100')
    .option('--json', 'print the result as JSON')
    .action(async (options: { batchSize: string; json?: boolean }) => {
      const batchSize = Number(options.batchSize);
      if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {
        throw Object.assign(new Error('--batch-size must be an integer from 1 to 10000'), { exitCode: 2 });
      }
      const showProgress = !options.json && process.stderr.isTTY;
      const bar = new SingleBar({ format: 'rekey [{bar}] {value}/{total}', stream: process.stderr }, Presets.shades_classic);
      let started = false;
      const run = await runCredentialsRekey(loadCredentialsEnv(), {
        batchSize,
        onProgress: ({ done, total }) => {
          if (!showProgress) return;
          if (!started) bar.start(total, 0);
          started = true;
          bar.update(done);
        },
      });
      if (started) bar.stop();
      if (options.json) {
        process.stdout.write(`${JSON.stringify(run)}\n`);
      } else {
        process.stdout.write(
          [
            `Newest key: ${run.keyId}`,
            `Data keys re-wrapped: ${run.dataKeys.rewrapped}; changed meanwhile (run again): ${run.dataKeys.skipped}; failed: ${run.dataKeys.failed.length}; still under an older key: ${run.dataKeys.remaining}`,
            ...run.dataKeys.failed.map((failure) => `  account ${failure.accountId}: ${failure.reason}`),
            `Re-encrypted: ${run.rekeyed}; changed meanwhile (run again): ${run.skipped}; failed: ${run.failed.length}; still under a ring key or unversioned: ${run.remaining}`,
            ...run.failed.map((failure) => `  ${failure.id}: ${failure.reason}`),
            run.rekeyed === 0 ? '' : run.published ? 'Audit events published.' : 'Audit events queued; the credential service will publish them.',
          ]
            .filter(Boolean)
            .join('\n') + '\n',
        );
      }
      if (run.failed.length > 0 || run.dataKeys.failed.length > 0) process.exitCode = 1;
    });
}
