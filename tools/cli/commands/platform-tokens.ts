import { isIP } from 'node:net';
import type { Command } from 'commander';
import { createLogger } from '@warden/config';
import { ChangeEventSigner } from '@warden/contracts-events';
import { connectMongo } from '@warden/data';
import { ALL_SCOPES } from '@warden/http';
import { createRedis, flushOutboxOnce } from '@warden/queue';
import { PLATFORM_OWNER, PLATFORM_SCOPES, type PlatformScope } from '@warden/api-token';
import { ApiTokenRepository, exclusiveWrite, initTokenModels, type ApiTokenDoc } from '@warden/tokens-data-access';
import { TokenVersionSignal, issuePlatformToken, revokeApiToken } from '@warden/tokens-feature';
import { OPERATOR, loadAccountsEnv, parseAccountRateLimit, type AccountsEnv } from './accounts';

/** A platform token as the operator sees it: never its secret nor its hash. */
export interface PlatformTokenView {
  id: string;
  name: string;
  scopes: PlatformScope[];
  allowedIps: string[];
  expiresAt: string | null;
  rateLimit: { limit: number; windowSeconds: number } | null;
  createdAt: string;
}

export interface PlatformTokenSettings {
  name: string;
  scopes: PlatformScope[];
  allowedIps: string[];
  expiresAt: Date | null;
  rateLimit: { limit: number; windowSeconds: number } | null;
}

/** What `platform tokens create` takes on its command line, unparsed. */
export interface PlatformTokenOptions {
  name: string;
  scopes: string;
  allowedIps?: string;
  expiresAt?: string;
  rateLimit?: string;
  window?: string;
}

/** An operator mistake (exit 2, nothing written), or a command that stopped half-way (exit 1, the message says what to repeat). */
export class PlatformCommandError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
  }
}

const usage = (message: string) => new PlatformCommandError(message, 2);
/** The gateway's own bound on a token's quota (the contract's RateLimit.limit). */
const MAX_TOKEN_LIMIT = 100_000;

function parseScopes(list: string): PlatformScope[] {
  const scopes = [...new Set(list.split(',').map((scope) => scope.trim()).filter(Boolean))];
  const allowed = `A platform token holds platform scopes only: ${PLATFORM_SCOPES.join(', ')}.`;
  if (scopes.length === 0) throw usage(`--scopes names no scope. ${allowed}`);
  const accountScopes = scopes.filter((scope) => (ALL_SCOPES as readonly string[]).includes(scope));
  if (accountScopes.length > 0) throw usage(`${accountScopes.join(', ')}: an account's scope, which a platform token never holds. ${allowed}`);
  const unknown = scopes.filter((scope) => !(PLATFORM_SCOPES as readonly string[]).includes(scope));
  if (unknown.length > 0) throw usage(`Unknown scope ${unknown.join(', ')}. ${allowed}`);
  return scopes as PlatformScope[];
}

function parseAllowedIps(list: string | undefined): string[] {
  const entries = (list ?? '').split(',').map((entry) => entry.trim()).filter(Boolean);
  for (const entry of entries) {
    const [address, bits, extra] = entry.split('/');
    const family = isIP(address);
    const maxBits = family === 6 ? 128 : 32;
    if (family === 0 || extra !== undefined || (bits !== undefined && (!/^\d{1,3}$/.test(bits) || Number(bits) > maxBits))) {
      throw usage(`--allowed-ips: ${entry} is not an IPv4/IPv6 address or CIDR range.`);
    }
  }
  if (entries.length > 100) throw usage('--allowed-ips takes at most 100 entries.');
  return entries;
}

function parseExpiresAt(text: string | undefined, now: Date): Date | null {
  if (text === undefined) return null;
  const at = new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text) || Number.isNaN(at.getTime())) throw usage(`--expires-at must be an ISO 8601 date-time, e.g. 2030-01-01T00:00:00Z (got ${text}).`);
  if (at <= now) throw usage('--expires-at must be in the future.');
  return at;
}

/** Validates everything before anything is written: a refused option is exit 2 with nothing stored. */
export function parsePlatformTokenOptions(options: PlatformTokenOptions, now = new Date()): PlatformTokenSettings {
  const name = options.name.trim();
  if (name.length < 1 || name.length > 100) throw usage('--name must be 1 to 100 characters.');
  const flags = { limit: '--rate-limit', window: '--window', default: 'neither (the default quota)' };
  const rateLimit = options.rateLimit === undefined && options.window === undefined ? null : parseAccountRateLimit({ limit: options.rateLimit, window: options.window }, flags);
  if (rateLimit && rateLimit.limit > MAX_TOKEN_LIMIT) throw usage(`--rate-limit must be at most ${MAX_TOKEN_LIMIT}.`);
  return { name, scopes: parseScopes(options.scopes), allowedIps: parseAllowedIps(options.allowedIps), expiresAt: parseExpiresAt(options.expiresAt, now), rateLimit };
}

export function platformTokenView(token: ApiTokenDoc): PlatformTokenView {
  return {
    id: token._id,
    name: token.name,
    scopes: token.scopes as PlatformScope[],
    allowedIps: token.allowedIps,
    expiresAt: token.expiresAt ? token.expiresAt.toISOString() : null,
    rateLimit: token.rateLimit ? { limit: token.rateLimit.limit, windowSeconds: token.rateLimit.windowSeconds } : null,
    createdAt: token.createdAt.toISOString(),
  };
}

interface TokenDatabase {
  tokens: ApiTokenRepository;
  models: Awaited<ReturnType<typeof initTokenModels>>;
  /** Null without REDIS_URL. */
  versions: TokenVersionSignal | null;
  /** Publishes the token's events now (signed as `cli`); false: they wait for the token service's relay. */
  flush: (tokenId: string) => Promise<boolean>;
}

/** The token database and, when configured, Redis, for one command; both closed afterwards. */
async function withTokenDatabase<T>(env: AccountsEnv, { queuePrefix, signalWaitMs }: { queuePrefix?: string; signalWaitMs: number }, run: (db: TokenDatabase) => Promise<T>): Promise<T> {
  const logger = createLogger({ name: 'warden-cli', level: 'silent' });
  const connection = await connectMongo(env.MONGODB_URL, env.MONGODB_DB);
  // No reconnecting: while Redis is unreachable the command fails within `signalWaitMs` and says so.
  const redis = env.REDIS_URL ? createRedis(env.REDIS_URL, 'client', { retryStrategy: () => null }) : undefined;
  try {
    const models = await initTokenModels(connection);
    return await run({
      tokens: new ApiTokenRepository(connection),
      models,
      versions: redis ? new TokenVersionSignal(redis, logger, { waitMs: signalWaitMs, delayMs: 50 }) : null,
      flush: (tokenId) =>
        flushOutboxOnce({ redisUrl: env.REDIS_URL, models: [models.apiTokens], exclusive: exclusiveWrite, logger, signer: ChangeEventSigner.find('cli', env.INTERNAL_KEYS), queuePrefix, documentIds: [tokenId] }),
    });
  } finally {
    redis?.disconnect();
    await connection.close();
  }
}

export interface CreatedPlatformToken {
  token: PlatformTokenView;
  /** Shown this once. */
  secret: string;
  /** Whether its "Created" event reached the audit queue now (else the token service's relay sends it). */
  published: boolean;
}

/**
 * Issues a platform token with the token service's own domain function: the token and its "Created"
 * event (in the platform's chain) in one insert, its version set in Redis so that gateways compare
 * against it from the first request, then the event published if Redis answers quickly.
 */
export async function runPlatformTokensCreate(settings: PlatformTokenSettings, env: AccountsEnv, { queuePrefix }: { queuePrefix?: string } = {}): Promise<CreatedPlatformToken> {
  return withTokenDatabase(env, { queuePrefix, signalWaitMs: 1_500 }, async ({ tokens, versions, flush }) => {
    // Without Redis the token service sets the version at the token's first verification.
    const issued = await issuePlatformToken({ tokens, versions: versions ?? { publish: async () => false }, hashKey: env.TOKEN_HASH_KEY }, OPERATOR, settings);
    return { token: platformTokenView(issued.token), secret: issued.secret, published: await flush(issued.token._id) };
  });
}

/** Every live platform token, newest first. */
export async function runPlatformTokensList(env: AccountsEnv): Promise<PlatformTokenView[]> {
  return withTokenDatabase(env, { signalWaitMs: 0 }, async ({ tokens }) => {
    const found: ApiTokenDoc[] = [];
    for (;;) {
      const last = found.at(-1);
      const page = await tokens.list({ accountId: PLATFORM_OWNER, limit: 200, after: last ? { createdAt: last.createdAt, id: last._id } : undefined });
      found.push(...page);
      if (page.length < 200) break;
    }
    return found.filter((token) => token.type === 'platform').map(platformTokenView);
  });
}

/**
 * Revokes a platform token with the token service's own domain function, and resolves once every
 * gateway replica refuses it (Redis holds "revoked"). If Redis does not take the signal the token is
 * revoked in the database, its tombstone is kept, and this throws: repeating the command finds the
 * tombstone and sends the signal.
 */
export async function runPlatformTokensRevoke(
  tokenId: string,
  env: AccountsEnv,
  { queuePrefix, signalWaitMs = 3_000 }: { queuePrefix?: string; signalWaitMs?: number } = {},
): Promise<{ token: { id: string }; published: boolean }> {
  if (!env.REDIS_URL) throw usage('platform tokens revoke needs REDIS_URL: gateways learn of the revocation through Redis. Nothing was changed.');
  return withTokenDatabase(env, { queuePrefix, signalWaitMs }, async ({ tokens, versions, flush }) => {
    // A token an earlier run revoked without Redis taking the signal gets the signal now.
    const revoked = await revokeApiToken({ tokens, versions: versions as TokenVersionSignal }, { ownerId: PLATFORM_OWNER, tokenId, actor: OPERATOR });
    if (!revoked) throw new PlatformCommandError(`No platform token with id ${tokenId}.`);
    const { signalled } = revoked;
    const published = await flush(tokenId);
    if (!signalled) {
      throw new PlatformCommandError(
        `Platform token ${tokenId} is revoked in the database, but Redis did not take the signal that refuses it on every gateway: ` +
          `a gateway may still accept it. Repeat \`warden platform tokens revoke ${tokenId}\` once Redis is reachable.`,
      );
    }
    return { token: { id: tokenId }, published };
  });
}

function describeToken(token: PlatformTokenView): string {
  const limits = [
    token.allowedIps.length > 0 ? `from ${token.allowedIps.join(', ')}` : 'from anywhere',
    token.expiresAt ? `until ${token.expiresAt}` : 'no expiry',
    token.rateLimit ? `${token.rateLimit.limit} requests per ${token.rateLimit.windowSeconds} s` : 'default quota',
  ];
  return `${token.id}  ${token.name}  ${token.scopes.join(',')}  ${limits.join(', ')}  created ${token.createdAt}`;
}

const published = (sent: boolean) => (sent ? 'Audit event published.' : 'Audit event queued; the token service will publish it.');

export function registerPlatformTokenCommands(platform: Command): void {
  const tokens = platform.command('tokens').description("Platform tokens: owned by no account, holding only platform scopes (written to the token service's database)");
  tokens
    .command('create')
    .description("Issue a platform token; prints its secret once")
    .requiredOption('--name <name>', "the token's name")
    .requiredOption('--scopes <list>', `comma-separated, from ${PLATFORM_SCOPES.join(', ')}`)
    .option('--allowed-ips <list>', 'comma-separated addresses or CIDR ranges it may be used from (default anywhere)')
    .option('--expires-at <iso>', 'when it stops working (default never)')
    .option('--rate-limit <n>', 'its own quota: requests per window (default the gateway\'s per-token default)')
    .option('--window <seconds>', 'the quota\'s window in seconds (default 60)')
    .option('--json', 'print {"token": {...}, "secret": "wdn_..."} as JSON')
    .action(async (options: PlatformTokenOptions & { json?: boolean }) => {
      const settings = parsePlatformTokenOptions(options);
      const created = await runPlatformTokensCreate(settings, loadAccountsEnv());
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ token: created.token, secret: created.secret })}\n`);
        return;
      }
      process.stdout.write(
        [`Platform token created: ${describeToken(created.token)}`, 'Store its secret now; it will not be shown again:', `  ${created.secret}`, published(created.published), ''].join('\n'),
      );
    });
  tokens
    .command('list')
    .description('List the live platform tokens, newest first (never a secret)')
    .option('--json', 'print a JSON array')
    .action(async (options: { json?: boolean }) => {
      const list = await runPlatformTokensList(loadAccountsEnv());
      if (options.json) process.stdout.write(`${JSON.stringify(list)}\n`);
      else process.stdout.write(`${list.length === 0 ? 'No platform tokens.' : list.map(describeToken).join('\n')}\n`);
    });
  tokens
    .command('revoke')
    .description('Revoke a platform token: refused (401) on every gateway once this returns')
    .argument('<id>', "the token's id")
    .option('--json', 'print {"token": {"id"}, "revoked": true} as JSON')
    .action(async (id: string, options: { json?: boolean }) => {
      const revoked = await runPlatformTokensRevoke(id, loadAccountsEnv());
      if (options.json) process.stdout.write(`${JSON.stringify({ token: revoked.token, revoked: true })}\n`);
      else process.stdout.write(`Platform token revoked: ${id}; every gateway refuses it from now on.\n${published(revoked.published)}\n`);
    });
}
