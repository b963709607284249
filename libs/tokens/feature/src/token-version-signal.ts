import type { Redis } from 'ioredis';
import type { Logger } from '@warden/config';
import { tokenVersionKey } from '@warden/api-token';

/** Raises the stored version, never lowers it, and never overwrites "revoked": writers may race. */
const RAISE_VERSION = `
local current = redis.call('GET', KEYS[1])
if current == 'revoked' then return 0 end
if current and tonumber(current) and tonumber(current) >= tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
return 1`;

export const REVOKED = 'revoked';

/**
 * The revocation protocol's writer. Each gateway replica caches verified tokens with their
 * `authVersion` and compares it with `warden:tokver:<id>` on every request, so a change that
 * affects authentication is in force on every replica once this resolves. MongoDB stays the
 * truth: if Redis is down the change still stands (gateways verify every request against this
 * service while they cannot reach Redis), so a failed signal is logged, not thrown.
 */
export class TokenVersionSignal {
  constructor(
    private readonly redis: Redis,
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
  async publish(tokenId: string, authVersion: number): Promise<boolean> {
    return this.withRetry(tokenId, () => this.redis.eval(RAISE_VERSION, 1, tokenVersionKey(tokenId), String(authVersion)));
  }

  /** After a revoke, before its response: "revoked" is final. */
  async revoke(tokenId: string): Promise<boolean> {
    return this.withRetry(tokenId, () => this.redis.set(tokenVersionKey(tokenId), REVOKED));
  }

  /** On a verification: make sure gateways have a version to compare with (one try; the cache miss path must stay fast). */
  async ensure(tokenId: string, authVersion: number): Promise<void> {
    try {
      await this.redis.eval(RAISE_VERSION, 1, tokenVersionKey(tokenId), String(authVersion));
    } catch (error) {
      this.logger.warn({ tokenId, err: error }, 'could not set the token version in Redis');
    }
  }

  private async withRetry(tokenId: string, write: () => Promise<unknown>): Promise<boolean> {
    const deadline = Date.now() + this.retry.waitMs;
    for (let attempt = 1; ; attempt++) {
      try {
        await write();
        return true;
      } catch (error) {
        const left = deadline - Date.now();
        if (left <= 0) {
          this.logger.warn(
            { tokenId, err: error },
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
