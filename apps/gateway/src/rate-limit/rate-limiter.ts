import type { Cluster, Redis } from 'ioredis';
import type { Logger } from '@warden/config';
import { accountSlotTag } from '@warden/api-token';
import { MemoryRateLimiter } from './memory-rate-limiter';
import { RedisGate, type BindingAccountQuota, type TokenGateRequest, type TokenGateResult } from './redis-gate';
import type { RateLimitDecision, RateLimitPolicy } from './rate-limit-policy';

/** How long after a failed Redis call the replica stays on its in-memory limiter before trying Redis again. */
const RETRY_REDIS_AFTER_MS = 1_000;

export interface TokenGateInput {
  tokenId: string;
  authVersion: string;
  versionKey: string;
  rateKey: string;
  policy: RateLimitPolicy;
  accountId: string;
  account: TokenGateRequest['account'];
}

export type LimiterTokenResult = TokenGateResult | { kind: 'unavailable' };

export interface GatewayRateLimiterOptions {
  redis: Redis | Cluster;
  keyPrefix: string;
  /** The account quota of accounts the operator gave none of their own. */
  defaultAccountPolicy: RateLimitPolicy;
  logger: Logger;
  /** Called when Redis becomes unusable: cached verifications can no longer be checked against it. */
  onDegraded: () => void;
  now?: () => number;
}

/**
 * Rate limits shared by every replica through Redis, with a per-replica in-memory fallback while
 * Redis is unreachable (status not ready, or a call failed in the last second).
 */
export class GatewayRateLimiter {
  private readonly gate: RedisGate;
  readonly memory: MemoryRateLimiter;
  private readonly redis: Redis | Cluster;
  private readonly logger: Logger;
  private readonly onDegraded: () => void;
  private readonly now: () => number;
  private readonly keyPrefix: string;
  private failedAt = -Infinity;
  private wasDegraded = false;

  constructor(options: GatewayRateLimiterOptions) {
    this.redis = options.redis;
    this.logger = options.logger;
    this.onDegraded = options.onDegraded;
    this.now = options.now ?? Date.now;
    this.keyPrefix = options.keyPrefix;
    this.gate = new RedisGate(options.redis, options.defaultAccountPolicy);
    this.memory = new MemoryRateLimiter({ now: this.now });
  }

  get degraded(): boolean {
    return this.redis.status !== 'ready' || this.now() - this.failedAt < RETRY_REDIS_AFTER_MS;
  }

  /**
   * `win:` names the bucketed windows (hashes); the sliding logs of earlier releases (sorted sets,
   * `tok:` and `ip:`) are never read, and expire on their own within a window. The account id is the
   * key's hash tag: the gate script reads it with the account's other keys, in one slot on a cluster.
   */
  tokenKey(accountId: string, tokenId: string): string {
    return `${this.keyPrefix}win:tok:${accountSlotTag(accountId)}:${tokenId}`;
  }

  /** The window every token of the account counts in. */
  accountKey(accountId: string): string {
    return `${this.keyPrefix}win:acct:${accountSlotTag(accountId)}`;
  }

  /** Version check, quota and last use in one Redis call; `unavailable` when Redis cannot answer. */
  async token(input: TokenGateInput, consume: boolean): Promise<LimiterTokenResult> {
    if (this.degraded) {
      this.noteDegraded();
      return { kind: 'unavailable' };
    }
    try {
      const result = await this.gate.token({
        versionKey: input.versionKey,
        rateKey: input.rateKey,
        version: input.authVersion,
        tokenId: input.tokenId,
        policy: input.policy,
        account: input.account,
        consume,
      });
      this.noteHealthy();
      return result;
    } catch (error) {
      this.fail(error);
      return { kind: 'unavailable' };
    }
  }

  /**
   * The in-memory quotas of a token and its account (as the verification read it), used only with a
   * verification made during this request: admitted only if both have room, and then counted in both.
   */
  tokenInMemory(input: TokenGateInput, consume: boolean): { decision: RateLimitDecision; account: BindingAccountQuota | null } {
    const tokenKey = `tok:${input.tokenId}`;
    const accountKey = `acct:${input.accountId}`;
    const accountPolicy = input.account.policy;
    let token = this.memory.take(tokenKey, input.policy, false);
    let account = this.memory.take(accountKey, accountPolicy, false);
    if (token.allowed && account.allowed && consume) {
      token = this.memory.take(tokenKey, input.policy, true);
      account = this.memory.take(accountKey, accountPolicy, true);
    }
    const accountBinds = token.allowed ? !account.allowed || account.remaining < token.remaining : !account.allowed && account.retryAfterMs > token.retryAfterMs;
    const quota = { limit: accountPolicy.limit, windowSeconds: accountPolicy.windowSeconds };
    return accountBinds ? { decision: account, account: quota } : { decision: token, account: null };
  }

  /** A per-client-IP quota: `per-ip` (failed requests) or `per-ip-verify` (verifications), each under its own key. */
  async ip(limitKey: string, policy: RateLimitPolicy, consume: boolean): Promise<{ decision: RateLimitDecision; limiter: 'redis' | 'memory' }> {
    if (!this.degraded) {
      try {
        const decision = await this.gate.ip(`${this.keyPrefix}win:${policy.name}:${limitKey}`, policy, consume);
        this.noteHealthy();
        return { decision, limiter: 'redis' };
      } catch (error) {
        this.fail(error);
      }
    }
    this.noteDegraded();
    return { decision: this.memory.take(`${policy.name}:${limitKey}`, policy, consume), limiter: 'memory' };
  }

  private fail(error: unknown): void {
    this.failedAt = this.now();
    if (!this.wasDegraded) this.logger.warn({ err: error }, 'Redis rate limiter unavailable: using the per-replica in-memory limiter');
    this.noteDegraded();
  }

  private noteDegraded(): void {
    if (this.wasDegraded) return;
    this.wasDegraded = true;
    this.memory.clear();
    this.onDegraded();
  }

  private noteHealthy(): void {
    if (!this.wasDegraded) return;
    this.wasDegraded = false;
    this.logger.info('Redis rate limiter available again');
  }
}
