import type { Command } from 'commander';
import { parseAccountRateLimit } from './accounts';
import { callPlatformApi, downloadPlatformApi, listAll, outputStream, platformApiTarget, withPlatformApiOptions, type PlatformApiTarget } from './platform-api';
import { PlatformCommandError } from './platform-tokens';

/** An account as the platform API shows it. */
export interface PlatformAccount {
  id: string;
  name: string;
  enabled: boolean;
  rateLimit: { limit: number; windowSeconds: number } | null;
  createdAt: string;
  updatedAt: string;
}

interface AuditRecord {
  seq: number;
  timestamp: string;
  objectType: string;
  auditType: string;
  objectId: string;
  username: string;
}

type ApiOptions = { url?: string; token?: string; json?: boolean };

const ACCOUNTS = '/api/v1/platform/accounts';
const accountPath = (id: string) => `${ACCOUNTS}/${encodeURIComponent(id)}`;

function describeAccount(account: PlatformAccount): string {
  const quota = account.rateLimit ? `${account.rateLimit.limit} requests per ${account.rateLimit.windowSeconds} s` : 'default quota';
  return `${account.id}  ${account.name}  ${account.enabled ? 'enabled' : 'disabled'}  ${quota}  created ${account.createdAt}`;
}

/** `data` as JSON with --json, else the readable text. */
function print(options: ApiOptions, data: unknown, text: string): void {
  process.stdout.write(`${options.json ? JSON.stringify(data) : text}\n`);
}

/** The PATCH body `platform accounts update` sends; nothing to change is a usage error. */
export function accountChanges(options: { name?: string; enable?: boolean; disable?: boolean; rateLimit?: string; window?: string; defaultRateLimit?: boolean }): Record<string, unknown> {
  const changes: Record<string, unknown> = {};
  if (options.name !== undefined) changes.name = options.name.trim();
  if (options.enable && options.disable) throw new PlatformCommandError('Give --enable or --disable, not both.', 2);
  if (options.enable || options.disable) changes.enabled = Boolean(options.enable);
  if (options.rateLimit !== undefined || options.window !== undefined || options.defaultRateLimit) {
    const flags = { limit: '--rate-limit', window: '--window', default: '--default-rate-limit' };
    changes.rateLimit = parseAccountRateLimit({ limit: options.rateLimit, window: options.window, default: options.defaultRateLimit }, flags);
  }
  if (Object.keys(changes).length === 0) throw new PlatformCommandError('Nothing to change: give --name, --enable, --disable, --rate-limit N [--window S] or --default-rate-limit.', 2);
  return changes;
}

/**
 * Runs `action` with the gateway and token resolved before any request. Commander passes the
 * command last; its options merged with its parents' also take `audit --url X export`, where the
 * parent consumes the option.
 */
const withTarget =
  <A extends unknown[]>(action: (target: PlatformApiTarget, ...args: A) => Promise<void>) =>
  (...args: A) =>
    action(platformApiTarget((args.at(-1) as Command).optsWithGlobals()), ...args);

export function registerPlatformAccountCommands(platform: Command): void {
  const accounts = platform.command('accounts').description('Manage accounts through the platform API (the gateway, with a platform token)');

  withPlatformApiOptions(accounts.command('list').description('List the accounts, newest first'))
    .option('--name <text>', 'only accounts whose name contains this text')
    .option('--status <status>', 'only enabled or only disabled accounts (enabled|disabled)')
    .option('--json', 'print the accounts as a JSON array')
    .action(
      withTarget(async (target, options: ApiOptions & { name?: string; status?: string }) => {
        const list = await listAll<PlatformAccount>(target, ACCOUNTS, { name: options.name, status: options.status });
        print(options, list, list.length === 0 ? 'No accounts.' : list.map(describeAccount).join('\n'));
      }),
    );

  withPlatformApiOptions(accounts.command('create').description("Create an account and its first API token (every account scope); prints the token's secret once"))
    .requiredOption('--name <name>', "the account's name")
    .option('--json', 'print {"account": {...}, "tokenId", "token": "<secret>"} as JSON')
    .action(
      withTarget(async (target, options: ApiOptions & { name: string }) => {
        const { data } = await callPlatformApi<{ account: PlatformAccount; tokenId: string; token: string }>(target, 'POST', ACCOUNTS, { name: options.name.trim() });
        print(
          options,
          data,
          [`Account created: ${describeAccount(data.account)}`, `First API token (every account scope, id ${data.tokenId}). Store it now; it will not be shown again:`, `  ${data.token}`].join('\n'),
        );
      }),
    );

  withPlatformApiOptions(accounts.command('get').description('Show one account').argument('<id>', "the account's id"))
    .option('--json', 'print the account as JSON')
    .action(
      withTarget(async (target, id: string, options: ApiOptions) => {
        const { data } = await callPlatformApi<PlatformAccount>(target, 'GET', accountPath(id));
        print(options, data, describeAccount(data));
      }),
    );

  withPlatformApiOptions(accounts.command('update').description('Rename, stop (--disable: its tokens 401 on every gateway), restart or set the quota of an account').argument('<id>', "the account's id"))
    .option('--name <name>', 'a new name')
    .option('--enable', 'let its tokens in again')
    .option('--disable', 'refuse every one of its tokens (401) on every gateway once this returns')
    .option('--rate-limit <n>', 'the quota its tokens share: requests per window')
    .option('--window <seconds>', "the quota's window in seconds (default 60)")
    .option('--default-rate-limit', "use the gateway's default account quota")
    .option('--json', 'print the account as JSON')
    .action(
      withTarget(async (target, id: string, options: ApiOptions & Parameters<typeof accountChanges>[0]) => {
        const { data } = await callPlatformApi<PlatformAccount>(target, 'PATCH', accountPath(id), accountChanges(options));
        print(options, data, `Account updated: ${describeAccount(data)}`);
      }),
    );

  withPlatformApiOptions(accounts.command('delete').description('Delete an account: its tokens revoked at once, its credentials crypto-shredded, its audit trail kept').argument('<id>', "the account's id"))
    .option('--json', 'print {"id", "deleted": true} as JSON')
    .action(
      withTarget(async (target, id: string, options: ApiOptions) => {
        const { data, messages } = await callPlatformApi<{ id: string; deleted: boolean }>(target, 'DELETE', accountPath(id));
        print(options, data, `${messages[0] ?? 'Account deleted.'} (${data.id})`);
      }),
    );
}

export function registerPlatformAuditCommands(platform: Command): void {
  const audit = withPlatformApiOptions(platform.command('audit').description("Read the platform's audit chain (newest first); `audit export` exports it or an account's"))
    .option('--object-type <type>', 'only records about this kind of object, e.g. Account')
    .option('--audit-type <type>', 'only this kind of change, e.g. Deleted')
    .option('--object-id <id>', 'only records about this object')
    .option('--actor <text>', "only records made by this actor (its id or name)")
    .option('--from <iso>', 'only records at or after this instant')
    .option('--to <iso>', 'only records before this instant')
    .option('-n, --limit <n>', 'how many (1 to 200)', '50')
    .option('--cursor <cursor>', 'the page after a previous one (its nextCursor)')
    .option('--json', 'print the records as a JSON array')
    .action(
      withTarget(async (target, options: ApiOptions & Record<'objectType' | 'auditType' | 'objectId' | 'actor' | 'from' | 'to' | 'limit' | 'cursor', string | undefined>) => {
        const { objectType, auditType, objectId, actor, from, to, limit, cursor } = options;
        const query = Object.entries({ objectType, auditType, objectId, actor, from, to, limit, cursor }).filter((entry): entry is [string, string] => entry[1] !== undefined);
        const page = await callPlatformApi<AuditRecord[]>(target, 'GET', `/api/v1/platform/audit?${new URLSearchParams(query)}`);
        const lines = page.data.map((r) => `${r.timestamp}  #${r.seq}  ${r.auditType} ${r.objectType} ${r.objectId}  by ${r.username}`);
        if (page.meta?.nextCursor) lines.push(`(more: --cursor ${page.meta.nextCursor})`);
        print(options, page.data, lines.length === 0 ? 'No records.' : lines.join('\n'));
      }),
    );

  withPlatformApiOptions(audit.command('export').description('Export the platform\'s chain, or an account\'s (deleted ones included), as NDJSON; verify it with `warden audit verify --file`'))
    .option('-a, --account <id>', "export this account's chain instead")
    .option('-o, --out <file>', 'write it to this file (default stdout)')
    .action(
      withTarget(async (target, options: ApiOptions & { account?: string; out?: string }) => {
        const query = options.account ? `?${new URLSearchParams({ accountId: options.account })}` : '';
        await downloadPlatformApi(target, `/api/v1/platform/audit/export${query}`, outputStream(options.out));
        if (options.out) process.stdout.write(`Exported to ${options.out}; verify it offline with: npm run warden -- audit verify --file ${options.out}\n`);
      }),
    );
}
