import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { z } from 'zod';
import type { Connection } from 'mongoose';
import { createLogger, devDefault, loadEnv, type Logger } from '@warden/config';
import { buildChangeEvent, type Actor } from '@warden/contracts-events';
import { connectMongo } from '@warden/data';
import { ALL_SCOPES } from '@warden/http';
import { OutboxRelay, createAuditEventsQueue, createRedis, publishChangeEvent } from '@warden/queue';
import { generateTokenSecret, tokenHint } from '@warden/api-token';
// The operator CLI writes accounts the way the token service does, through its data-access layer.
import {
  AccountRepository,
  ApiTokenRepository,
  DEV_TOKEN_HASH_KEY,
  apiTokenSnapshot,
  hashTokenSecret,
  exclusiveWrite,
  initTokenModels,
} from '@warden/tokens-data-access';

const OPERATOR: Actor = { type: 'operator', id: 'cli', name: 'operator' };
const FIRST_TOKEN_NAME = 'default';

export interface AccountView {
  id: string;
  name: string;
  createdAt: string;
}

export interface CreatedAccount {
  account: AccountView;
  /** The first token's secret (every scope), shown this once. */
  token: string;
  tokenId: string;
  /** Whether the two change events reached the audit queue now (else the token service's relay sends them). */
  published: boolean;
}

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  MONGODB_URL: z.string().regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// URL'),
  MONGODB_DB: z.string().regex(/^[A-Za-z0-9_-]{1,63}$/).default('warden_tokens'),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL').optional(),
  TOKEN_HASH_KEY: z.string().min(32, 'must be at least 32 characters'),
});
export type AccountsEnv = z.infer<typeof envSchema>;

export function loadAccountsEnv(env: NodeJS.ProcessEnv = process.env): AccountsEnv {
  return loadEnv(envSchema, {
    ...env,
    REDIS_URL: env.REDIS_URL || undefined,
    TOKEN_HASH_KEY: devDefault('TOKEN_HASH_KEY', DEV_TOKEN_HASH_KEY, env),
  });
}

/**
 * Writes the account and its first token (every scope) through the token service's data-access
 * layer, each with its change event in the same single-document write.
 */
export async function createAccountWithToken(connection: Connection, name: string, hashKey: string): Promise<Omit<CreatedAccount, 'published'>> {
  await initTokenModels(connection);
  const now = new Date();
  const accountId = randomUUID();
  const account = { _id: accountId, name, createdAt: now };
  await new AccountRepository(connection).insert(
    account,
    buildChangeEvent({ accountId, objectType: 'Account', auditType: 'Created', objectId: accountId, actor: OPERATOR, remoteIp: null, after: { name }, now }),
  );
  const secret = generateTokenSecret();
  const tokenId = randomUUID();
  const fields = {
    name: FIRST_TOKEN_NAME,
    type: 'api' as const,
    enabled: true,
    scopes: [...ALL_SCOPES],
    allowedIps: [],
    expiresAt: null,
    rateLimit: null,
  };
  await new ApiTokenRepository(connection).insert(
    {
      _id: tokenId,
      accountId,
      ...fields,
      secretHash: hashTokenSecret(secret, hashKey),
      hint: tokenHint(secret),
      createdAt: now,
      updatedAt: now,
    },
    buildChangeEvent({
      accountId,
      objectType: 'ApiToken',
      auditType: 'Created',
      objectId: tokenId,
      actor: OPERATOR,
      remoteIp: null,
      after: apiTokenSnapshot(fields),
      now,
    }),
  );
  return { account: { id: accountId, name, createdAt: now.toISOString() }, token: secret, tokenId };
}

/**
 * Publishes pending outbox events (of `documentIds` only, when given: the documents this process
 * wrote, so that it never clears an outbox a running service is writing) if Redis answers quickly;
 * otherwise leaves them to the token service's relay.
 */
export async function publishOutbox(
  connection: Connection,
  redisUrl: string | undefined,
  logger: Logger,
  { queuePrefix, timeoutMs = 1_500, documentIds }: { queuePrefix?: string; timeoutMs?: number; documentIds?: string[] } = {},
): Promise<boolean> {
  if (!redisUrl) return false;
  const producer = createRedis(redisUrl, 'producer', { retryStrategy: () => null });
  try {
    const ready = await Promise.race([
      once(producer, 'ready').then(() => true),
      once(producer, 'end').then(() => false),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref()),
    ]);
    if (!ready) return false;
    const queue = createAuditEventsQueue(producer, queuePrefix);
    try {
      const { accounts, apiTokens } = await initTokenModels(connection);
      await new OutboxRelay({ models: [accounts, apiTokens], publish: (event) => publishChangeEvent(queue, event), logger, exclusive: exclusiveWrite }).flush(documentIds);
      return true;
    } finally {
      await queue.close();
    }
  } catch {
    return false;
  } finally {
    producer.disconnect();
  }
}

export async function runAccountsCreate(name: string, env: AccountsEnv, { queuePrefix }: { queuePrefix?: string } = {}): Promise<CreatedAccount> {
  const logger = createLogger({ name: 'warden-cli', level: 'silent' });
  const connection = await connectMongo(env.MONGODB_URL, env.MONGODB_DB);
  try {
    const created = await createAccountWithToken(connection, name, env.TOKEN_HASH_KEY);
    const published = await publishOutbox(connection, env.REDIS_URL, logger, { queuePrefix, documentIds: [created.account.id, created.tokenId] });
    return { ...created, published };
  } finally {
    await connection.close();
  }
}

export function registerAccountCommands(program: Command): void {
  const accounts = program.command('accounts').description('Manage accounts (tenants)');
  accounts
    .command('create')
    .description("Create an account and its first API token (every scope); prints the token's secret once")
    .requiredOption('--name <name>', "the account's name")
    .option('--json', 'print {"account": {...}, "token": "<secret>"} as JSON')
    .action(async (options: { name: string; json?: boolean }) => {
      const name = options.name.trim();
      if (name.length < 1 || name.length > 100) throw Object.assign(new Error('--name must be 1 to 100 characters'), { exitCode: 2 });
      const created = await runAccountsCreate(name, loadAccountsEnv());
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ account: created.account, token: created.token })}\n`);
        return;
      }
      process.stdout.write(
        [
          `Account created: ${created.account.name} (${created.account.id})`,
          `First API token (every scope, id ${created.tokenId}). Store it now; it will not be shown again:`,
          `  ${created.token}`,
          created.published ? 'Audit events published.' : 'Audit events queued; the token service will publish them.',
          '',
        ].join('\n'),
      );
    });
}
