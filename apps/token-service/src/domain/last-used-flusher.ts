import type { Redis } from 'ioredis';
import type { Logger } from '@warden/config';
import { LAST_USED_HASH_KEY } from '@warden/api-token';
import type { TokenLastUsedRepository } from '@warden/tokens-data-access';

/** Takes the whole hash and deletes it in one step, so a use recorded meanwhile lands in the next batch. */
const TAKE_ALL = `
local entries = redis.call('HGETALL', KEYS[1])
if #entries > 0 then redis.call('DEL', KEYS[1]) end
return entries`;

/** Puts a batch back after a failed database write, keeping whichever time is later. */
const PUT_BACK = `
for i = 1, #ARGV, 2 do
  local current = tonumber(redis.call('HGET', KEYS[1], ARGV[i]) or '0')
  if tonumber(ARGV[i + 1]) > current then redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
end
return 1`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Gateways record each token's last use in a Redis hash (`HSET warden:token-last-used <id> <ms>`);
 * this moves the hash to MongoDB in one bulk write per interval: no database write per request.
 */
export class LastUsedFlusher {
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;

  constructor(
    private readonly redis: Redis,
    private readonly repository: TokenLastUsedRepository,
    private readonly logger: Logger,
    /** The hash gateways write to; tests use their own. */
    private readonly key: string = LAST_USED_HASH_KEY,
  ) {}

  start(intervalMs: number): this {
    this.timer = setInterval(() => void this.flush().catch(() => undefined), intervalMs);
    this.timer.unref();
    return this;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** Writes what the gateways reported since the last flush; resolves with the number of tokens written. */
  async flush(): Promise<number> {
    if (this.running) return this.running;
    this.running = this.flushOnce().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async flushOnce(): Promise<number> {
    let entries: string[];
    try {
      entries = (await this.redis.eval(TAKE_ALL, 1, this.key)) as string[];
    } catch (error) {
      this.logger.warn({ err: error }, 'last-used flush skipped: Redis is unavailable');
      return 0;
    }
    const uses: { tokenId: string; at: Date }[] = [];
    for (let i = 0; i + 1 < entries.length; i += 2) {
      const at = Number(entries[i + 1]);
      if (UUID.test(entries[i]) && Number.isFinite(at) && at > 0) uses.push({ tokenId: entries[i], at: new Date(at) });
    }
    try {
      await this.repository.record(uses);
      return uses.length;
    } catch (error) {
      this.logger.warn({ err: error, tokens: uses.length }, 'last-used flush failed; the batch goes back to Redis');
      await this.redis
        .eval(PUT_BACK, 1, this.key, ...uses.flatMap((use) => [use.tokenId, String(use.at.getTime())]))
        .catch(() => undefined);
      return 0;
    }
  }
}
