import type { Cluster, Redis } from 'ioredis';
import type { Logger } from '@warden/config';
import { accountLimitKey, legacyAccountLimitKey, legacyTokenVersionKey, tokenVersionKey } from '@warden/api-token';

/**
 * Raises the stored version of each key (the token's, and on a single Redis its previous-release
 * name too), never lowers it, and never overwrites "revoked": writers may race. An account stop
 * (`account-disabled:<revision>`) stays unless ARGV[2] names a later account revision, read after
 * the account was enabled again: a verification that read the account before it was disabled
 * cannot undo the stop.
 */
const RAISE_VERSION = `
local raised = 0
for _, key in ipairs(KEYS) do
  local current = redis.call('GET', key)
  local keep = false
  if current then
    local stopped = string.match(current, '^account%-disabled:(%d+)$')
    if stopped then
      keep = ARGV[2] == '' or tonumber(stopped) >= tonumber(ARGV[2])
    elseif current == 'revoked' then
      keep = true
    elseif tonumber(current) and tonumber(current) >= tonumber(ARGV[1]) then
      keep = true
    end
  end
  if not keep then
    redis.call('SET', key, ARGV[1])
    raised = 1
  end
end
return raised`;

/**
 * Marks every key (one per token of a disabled account) with a value no cached authVersion
 * matches, so every gateway re-verifies the token on its next request; "revoked" and a stop of a
 * later revision stay. ARGV[1]: the account's revision once disabled.
 */
const STOP_ACCOUNT = `
local marker = 'account-disabled:' .. ARGV[1]
for _, key in ipairs(KEYS) do
  local current = redis.call('GET', key)
  local stopped = current and string.match(current, '^account%-disabled:(%d+)$')
  if current ~= 'revoked' and not (stopped and tonumber(stopped) >= tonumber(ARGV[1])) then
    redis.call('SET', key, marker)
  end
end
return 1`;

/**
 * Writes an account's quota (`<revision>:<limit>:<window>` or `<revision>:default`) to each key
 * unless it already holds one of the same or a later revision: concurrent or repeated commands may race.
 */
const SET_ACCOUNT_LIMIT = `
local written = 0
for _, key in ipairs(KEYS) do
  local current = redis.call('GET', key)
  local stored = current and string.match(current, '^(%d+):')
  if not (stored and tonumber(stored) >= tonumber(ARGV[1])) then
    redis.call('SET', key, ARGV[1] .. ':' .. ARGV[2])
    written = 1
  end
end
return written`;

/** Keys per script call when a whole account's tokens are marked. */
const KEYS_PER_CALL = 500;

export const REVOKED = 'revoked';

/**
 * The revocation protocol's writer. Each gateway replica caches verified tokens with their
 * `authVersion` and compares it with `warden:tokver:{<account>}:<id>` on every request, so a change
 * that affects authentication is in force on every replica once this resolves. On a single Redis
 * every write also goes to the previous release's key names (`legacyTokenVersionKey`,
 * `legacyAccountLimitKey`), in the same command, so that its gateways see a revocation during a
 * rolling upgrade; a cluster (which that release did not run on) gets the new names only. MongoDB stays the
 * truth: if Redis is down the change still stands (gateways verify every request against this
 * service while they cannot reach Redis). A failed signal is logged and reported as `false`: the
 * caller answers that the change is stored but not yet in force everywhere, and a repeat sends it.
 */
export class TokenVersionSignal {
  constructor(
    private readonly redis: Redis | Cluster,
    private readonly logger: Logger,
    /**
     * How long a change waits for Redis before it answers without the signal. A Redis restart
     * reconnects each client on its own backoff: a gateway may be back on Redis (and trusting its
     * cached verifications again) while this service still reconnects, so a quick give-up would
     * let a revoked or rotated-out secret keep working there.
     */
    private readonly retry: { waitMs: number; delayMs: number } = { waitMs: 5_000, delayMs: 50 },
  ) {}

  /** After an auth-affecting change, before its response. Resolves true once Redis holds the version. */
  async publish(accountId: string, tokenId: string, authVersion: number): Promise<boolean> {
    const keys = this.versionKeys(accountId, tokenId);
    return this.withRetry({ tokenId }, () => this.redis.eval(RAISE_VERSION, keys.length, ...keys, String(authVersion), ''));
  }

  /**
   * After an account is disabled (at `accountRevision`), before the operator hears back: every
   * gateway replica then re-verifies each of these tokens on its next request, and the token
   * service refuses them. Resolves true once Redis holds every mark.
   */
  async stopAccount(accountId: string, tokenIds: string[], accountRevision: number): Promise<boolean> {
    // All of one account's version keys share its slot, so one script may mark them on a cluster too.
    const perToken = this.legacy ? KEYS_PER_CALL / 2 : KEYS_PER_CALL;
    for (let start = 0; start < tokenIds.length; start += perToken) {
      const keys = tokenIds.slice(start, start + perToken).flatMap((tokenId) => this.versionKeys(accountId, tokenId));
      const stored = await this.withRetry({ accountId }, () => this.redis.eval(STOP_ACCOUNT, keys.length, ...keys, String(accountRevision)));
      if (!stored) return false;
    }
    return true;
  }

  /**
   * After the operator sets an account's quota (at `accountRevision`; null: the default), before
   * they hear back: every gateway applies it from the next request. Resolves true once Redis holds
   * it, or a later one.
   */
  async publishAccountLimit(accountId: string, accountRevision: number, rateLimit: { limit: number; windowSeconds: number } | null): Promise<boolean> {
    const value = rateLimit ? `${rateLimit.limit}:${rateLimit.windowSeconds}` : 'default';
    const keys = this.legacy ? [accountLimitKey(accountId), legacyAccountLimitKey(accountId)] : [accountLimitKey(accountId)];
    return this.withRetry({ accountId }, () => this.redis.eval(SET_ACCOUNT_LIMIT, keys.length, ...keys, String(accountRevision), value));
  }

  /** After a revoke, before its response: "revoked" is final. */
  async revoke(accountId: string, tokenId: string): Promise<boolean> {
    const keys = this.versionKeys(accountId, tokenId);
    return this.withRetry({ tokenId }, () => this.redis.mset(...keys.flatMap((key) => [key, REVOKED])));
  }

  /**
   * On a verification: make sure gateways have a version to compare with (one try; the cache miss
   * path must stay fast). `accountRevision` is the revision of the (enabled) account read for this
   * verification: only a stop older than it is replaced.
   */
  async ensure(accountId: string, tokenId: string, authVersion: number, accountRevision = 0): Promise<void> {
    const keys = this.versionKeys(accountId, tokenId);
    try {
      await this.redis.eval(RAISE_VERSION, keys.length, ...keys, String(authVersion), String(accountRevision));
    } catch (error) {
      this.logger.warn({ tokenId, err: error }, 'could not set the token version in Redis');
    }
  }

  /** Whether the previous release's key names are written too: on a single Redis, where its gateways may still run. */
  private get legacy(): boolean {
    return !(this.redis as { isCluster?: boolean }).isCluster;
  }

  /** The token's version key, and on a single Redis its previous-release name (one slot only matters on a cluster). */
  private versionKeys(accountId: string, tokenId: string): string[] {
    const key = tokenVersionKey(accountId, tokenId);
    return this.legacy ? [key, legacyTokenVersionKey(tokenId)] : [key];
  }

  private async withRetry(subject: { tokenId: string } | { accountId: string }, write: () => Promise<unknown>): Promise<boolean> {
    const deadline = Date.now() + this.retry.waitMs;
    for (let attempt = 1; ; attempt++) {
      try {
        await write();
        return true;
      } catch (error) {
        const left = deadline - Date.now();
        if (left <= 0) {
          this.logger.warn(
            { ...subject, err: error },
            'token version not signalled: Redis is unavailable; gateways verify every request while they cannot reach Redis',
          );
          return false;
        }
        await this.reconnectedOrAfter(Math.min(left, this.retry.delayMs * attempt));
      }
    }
  }

  /** Resolves when the client is ready again (the next try then goes straight out) or after `ms`. */
  private reconnectedOrAfter(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.redis.off('ready', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.redis.once('ready', done);
    });
  }
}
