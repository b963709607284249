import type { Command } from 'commander';
import { z } from 'zod';
import { createLogger, internalKeysVariable, loadEnv } from '@warden/config';
import { ChangeEventSigner, type Actor } from '@warden/contracts-events';
import { connectMongo } from '@warden/data';
import { createRedis, flushOutboxOnce } from '@warden/queue';
import { AccountRepository, ApiTokenRepository, exclusiveWrite, initTokenModels } from '@warden/tokens-data-access';
import { TokenVersionSignal, createAccount, updateAccount } from '@warden/tokens-feature';

/** Who acts when an operator runs the CLI, as the audit trail names it. */
export const OPERATOR: Actor = { type: 'operator', id: 'cli', name: 'operator' };

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
  REDIS_URL: z.string().regex(/^rediss?(\+cluster)?:\/\//, 'must be a redis://, rediss://, redis+cluster:// or rediss+cluster:// URL').optional(),
  TOKEN_HASH_KEY: z.string().min(32, 'must be at least 32 characters'),
  /** The CLI's key for the audit service (`cli>audit-service`) signs the events it publishes; without it the token service's relay sends them. */
  INTERNAL_KEYS: internalKeysVariable([]).optional(),
});
export type AccountsEnv = z.infer<typeof envSchema>;

export function loadAccountsEnv(env: NodeJS.ProcessEnv = process.env): AccountsEnv {
  return loadEnv(envSchema, { ...env, REDIS_URL: env.REDIS_URL || undefined, INTERNAL_KEYS: env.INTERNAL_KEYS || undefined });
}

/**
 * Creates the account and its first token (every scope) with the token service's own domain
 * function, then publishes their events and the token's version signal if Redis answers quickly;
 * otherwise the events wait in their outboxes for the token service's relay, and gateways verify
 * the token against the token service until its version is in Redis.
 */
export async function runAccountsCreate(name: string, env: AccountsEnv, { queuePrefix }: { queuePrefix?: string } = {}): Promise<CreatedAccount> {
  const logger = createLogger({ name: 'warden-cli', level: 'silent' });
  const connection = await connectMongo(env.MONGODB_URL, env.MONGODB_DB);
  // Commands fail at once while Redis is unreachable: an operator's command does not wait for it.
  const redis = env.REDIS_URL ? createRedis(env.REDIS_URL, 'client', { retryStrategy: () => null }) : undefined;
  try {
    const models = await initTokenModels(connection);
    const created = await createAccount(
      {
        accounts: new AccountRepository(connection),
        tokens: new ApiTokenRepository(connection),
        // With no Redis configured, the token service sets the version at the token's first verification.
        versions: redis ? new TokenVersionSignal(redis, logger, { waitMs: 1_500, delayMs: 50 }) : { publish: async () => false },
        hashKey: env.TOKEN_HASH_KEY,
      },
      { name, actor: OPERATOR },
    );
    const published = await flushOutboxOnce({
      redisUrl: env.REDIS_URL,
      models: [models.accounts, models.apiTokens],
      exclusive: exclusiveWrite,
      logger,
      signer: ChangeEventSigner.find('cli', env.INTERNAL_KEYS),
      queuePrefix,
      documentIds: [created.account.id, created.token._id],
    });
    return {
      account: { id: created.account.id, name: created.account.name, createdAt: created.account.createdAt.toISOString() },
      token: created.secret,
      tokenId: created.token._id,
      published,
    };
  } finally {
    redis?.disconnect();
    await connection.close();
  }
}

export interface AccountEnabledOutcome {
  account: AccountView & { enabled: boolean };
  /** False: the account already was in that state (nothing written; the marks were sent again). */
  changed: boolean;
  /** How many live tokens were marked in Redis. */
  tokens: number;
  /** Whether the account's events reached the audit queue now (else the token service's relay sends them). */
  published: boolean;
}

/** The command failed after the account was written: the message says so, and the command can be repeated. */
class AccountCommandError extends Error {
  readonly exitCode = 1;
}

/**
 * Disables or enables an account with the token service's own domain function: the account and its
 * "Account Updated" event in one write; for a disable, then the marks in Redis that make every
 * gateway replica re-verify the account's tokens. A disable resolves only once Redis holds them; if
 * Redis does not take them, the account stays disabled in the database and this throws, so that
 * repeating the command completes it. An enable needs no signal: tokens work again from their next
 * request.
 */
export async function runAccountsSetEnabled(
  accountId: string,
  enabled: boolean,
  env: AccountsEnv,
  { queuePrefix, signalWaitMs = 3_000 }: { queuePrefix?: string; signalWaitMs?: number } = {},
): Promise<AccountEnabledOutcome> {
  const verb = enabled ? 'enable' : 'disable';
  if (!enabled && !env.REDIS_URL) {
    throw Object.assign(new Error(`accounts ${verb} needs REDIS_URL: gateways learn of the change through Redis. Nothing was changed.`), { exitCode: 2 });
  }
  const logger = createLogger({ name: 'warden-cli', level: 'silent' });
  const connection = await connectMongo(env.MONGODB_URL, env.MONGODB_DB);
  // No reconnecting: while Redis is unreachable the command fails within `signalWaitMs` and says so.
  const redis = env.REDIS_URL ? createRedis(env.REDIS_URL, 'client', { retryStrategy: () => null }) : undefined;
  try {
    const models = await initTokenModels(connection);
    const tokens = new ApiTokenRepository(connection);
    const result = await updateAccount(
      {
        accounts: new AccountRepository(connection),
        tokens,
        // Only a disable signals, and it has Redis (checked above).
        versions: redis ? new TokenVersionSignal(redis, logger, { waitMs: signalWaitMs, delayMs: 50 }) : { stopAccount: async () => false, publishAccountLimit: async () => false },
      },
      { accountId, fields: { enabled }, actor: OPERATOR },
    );
    if (!result) throw new AccountCommandError(`No account with id ${accountId}.`);
    // The event of this change, or one an earlier run left behind.
    const published = await flushOutboxOnce({ redisUrl: env.REDIS_URL, models: [models.accounts], exclusive: exclusiveWrite, logger, signer: ChangeEventSigner.find('cli', env.INTERNAL_KEYS), queuePrefix, documentIds: [accountId] });
    if (!result.signalled) {
      throw new AccountCommandError(
        `Account ${accountId} is disabled in the database, but Redis did not take the signal that stops its tokens on every gateway: ` +
          `a gateway may still accept them. Repeat \`warden accounts disable ${accountId}\` once Redis is reachable.`,
      );
    }
    const { account } = result;
    return {
      account: { id: account._id, name: account.name, createdAt: account.createdAt.toISOString(), enabled: account.enabled },
      changed: result.changed,
      tokens: (await tokens.liveIdsOfAccount(accountId)).length,
      published,
    };
  } finally {
    redis?.disconnect();
    await connection.close();
  }
}

export const runAccountsDisable = (accountId: string, env: AccountsEnv, options?: { queuePrefix?: string; signalWaitMs?: number }) =>
  runAccountsSetEnabled(accountId, false, env, options);
export const runAccountsEnable = (accountId: string, env: AccountsEnv, options?: { queuePrefix?: string; signalWaitMs?: number }) =>
  runAccountsSetEnabled(accountId, true, env, options);

export interface AccountRateLimitOutcome {
  account: AccountView & { rateLimit: { limit: number; windowSeconds: number } | null };
  changed: boolean;
  published: boolean;
}

/**
 * Sets the quota every token of the account shares (null: the gateway's default) with the token
 * service's own domain function, and resolves once every gateway applies it (Redis holds it). If
 * Redis does not take it, the account keeps the new quota in the database, gateways keep the one
 * they last verified, and this throws so that repeating the command completes it.
 */
export async function runAccountsRateLimit(
  accountId: string,
  rateLimit: { limit: number; windowSeconds: number } | null,
  env: AccountsEnv,
  { queuePrefix, signalWaitMs = 3_000 }: { queuePrefix?: string; signalWaitMs?: number } = {},
): Promise<AccountRateLimitOutcome> {
  if (!env.REDIS_URL) {
    throw Object.assign(new Error('accounts rate-limit needs REDIS_URL: gateways learn of the change through Redis. Nothing was changed.'), { exitCode: 2 });
  }
  const logger = createLogger({ name: 'warden-cli', level: 'silent' });
  const connection = await connectMongo(env.MONGODB_URL, env.MONGODB_DB);
  const redis = createRedis(env.REDIS_URL, 'client', { retryStrategy: () => null });
  try {
    const models = await initTokenModels(connection);
    const result = await updateAccount(
      { accounts: new AccountRepository(connection), tokens: new ApiTokenRepository(connection), versions: new TokenVersionSignal(redis, logger, { waitMs: signalWaitMs, delayMs: 50 }) },
      { accountId, fields: { rateLimit }, actor: OPERATOR },
    );
    if (!result) throw new AccountCommandError(`No account with id ${accountId}.`);
    const published = await flushOutboxOnce({ redisUrl: env.REDIS_URL, models: [models.accounts], exclusive: exclusiveWrite, logger, signer: ChangeEventSigner.find('cli', env.INTERNAL_KEYS), queuePrefix, documentIds: [accountId] });
    if (!result.signalled) {
      throw new AccountCommandError(
        `Account ${accountId} has its new quota in the database, but Redis did not take it: gateways keep the quota they last verified. ` +
          `Repeat the command once Redis is reachable.`,
      );
    }
    const { account } = result;
    return {
      account: { id: account._id, name: account.name, createdAt: account.createdAt.toISOString(), rateLimit: account.rateLimit },
      changed: result.changed,
      published,
    };
  } finally {
    redis.disconnect();
    await connection.close();
  }
}

/**
 * `--limit N --window S`, or `--default`: exactly one of the two. `flags` names the options where a
 * command spells them otherwise (`platform ...` commands: `--rate-limit`, `--default-rate-limit`).
 */
export function parseAccountRateLimit(
  options: { limit?: string; window?: string; default?: boolean },
  flags: { limit: string; window: string; default: string } = { limit: '--limit', window: '--window', default: '--default' },
): { limit: number; windowSeconds: number } | null {
  const usage = (message: string) => Object.assign(new Error(`${message} Give ${flags.limit} N (${flags.window} S, default 60), or ${flags.default}.`), { exitCode: 2 });
  if (options.default) {
    if (options.limit !== undefined || options.window !== undefined) throw usage(`${flags.default} takes no ${flags.limit} or ${flags.window}.`);
    return null;
  }
  if (options.limit === undefined) throw usage('No quota given.');
  const limit = Number(options.limit);
  const windowSeconds = Number(options.window ?? '60');
  // The contract's RateLimit bounds: an account's quota is read back through the platform API.
  if (!/^\d+$/.test(options.limit) || !Number.isSafeInteger(limit) || limit < 1 || limit > 100_000) throw usage(`${flags.limit} must be a whole number from 1 to 100000.`);
  if (!/^\d+$/.test(options.window ?? '60') || windowSeconds < 1 || windowSeconds > 86_400) throw usage(`${flags.window} must be a whole number of seconds from 1 to 86400.`);
  return { limit, windowSeconds };
}

function printOutcome(outcome: AccountEnabledOutcome, json: boolean | undefined): void {
  if (json) {
    process.stdout.write(`${JSON.stringify({ account: outcome.account, changed: outcome.changed })}\n`);
    return;
  }
  const { account } = outcome;
  const state = account.enabled ? 'enabled' : 'disabled';
  process.stdout.write(
    [
      `${outcome.changed ? `Account ${state}` : `Account already ${state}`}: ${account.name} (${account.id})`,
      account.enabled
        ? `Its ${outcome.tokens} API token(s) work again from their next request.`
        : `Its ${outcome.tokens} API token(s) are refused (401) on every gateway from now on.`,
      ...(outcome.changed ? [outcome.published ? 'Audit event published.' : 'Audit event queued; the token service will publish it.'] : []),
      '',
    ].join('\n'),
  );
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
  accounts
    .command('disable')
    .description('Stop an account: every one of its API tokens is refused (401) on every gateway once this returns')
    .argument('<id>', "the account's id")
    .option('--json', 'print {"account": {...}, "changed": true|false} as JSON')
    .action(async (id: string, options: { json?: boolean }) => {
      printOutcome(await runAccountsDisable(id, loadAccountsEnv()), options.json);
    });
  accounts
    .command('rate-limit')
    .description('Set the quota that every API token of the account shares, on every gateway once this returns')
    .argument('<id>', "the account's id")
    .option('--limit <n>', 'requests per window, across all its tokens')
    .option('--window <seconds>', 'the sliding window in seconds (default 60)')
    .option('--default', "use the gateway's default (RATE_LIMIT_PER_ACCOUNT per RATE_LIMIT_ACCOUNT_WINDOW_SECONDS)")
    .option('--json', 'print {"account": {...}, "changed": true|false} as JSON')
    .action(async (id: string, options: { limit?: string; window?: string; default?: boolean; json?: boolean }) => {
      const outcome = await runAccountsRateLimit(id, parseAccountRateLimit(options), loadAccountsEnv());
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ account: outcome.account, changed: outcome.changed })}\n`);
        return;
      }
      const quota = outcome.account.rateLimit;
      const described = quota ? `${quota.limit} requests per ${quota.windowSeconds} s` : "the gateway's default";
      process.stdout.write(
        [
          `${outcome.changed ? 'Account quota set' : 'Account quota already set'}: ${described} across every API token of ${outcome.account.name} (${outcome.account.id}).`,
          'Every gateway applies it from the next request.',
          ...(outcome.changed ? [outcome.published ? 'Audit event published.' : 'Audit event queued; the token service will publish it.'] : []),
          '',
        ].join('\n'),
      );
    });
  accounts
    .command('enable')
    .description('Restart a disabled account: its API tokens work again from their next request')
    .argument('<id>', "the account's id")
    .option('--json', 'print {"account": {...}, "changed": true|false} as JSON')
    .action(async (id: string, options: { json?: boolean }) => {
      printOutcome(await runAccountsEnable(id, loadAccountsEnv()), options.json);
    });
}
