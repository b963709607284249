import type { Cluster, Redis } from 'ioredis';
import type { Logger } from '@warden/config';
import { LAST_USED_KEY_PATTERN, LEGACY_LAST_USED_HASH_KEY } from '@warden/api-token';
import type { TokenLastUsedRepository } from '@warden/tokens-data-access';
import { isUuid } from '@warden/http';

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


/** Hashes drained at once: each is one script call, sent together on the connection. */
const KEYS_PER_ROUND = 100;

export interface LastUsedKeys {
  /** SCAN pattern of the per-account hashes gateways write to; tests use their own. */
  pattern: string;
  /** The single hash of the previous release's gateways, drained too during a rolling upgrade; null: none. */
  legacyKey: string | null;
}

/**
 * Gateways record each token's last use in its account's Redis hash
 * (`HSET warden:token-last-used:{<account>} <id> <ms>`, in the slot of the account's other keys);
 * this finds those hashes by SCAN (on every master of a cluster) and moves them to MongoDB in one
 * bulk write per interval: no database write per request.
 */
export class LastUsedFlusher {
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;

  constructor(
    private readonly redis: Redis | Cluster,
    private readonly repository: TokenLastUsedRepository,
    private readonly logger: Logger,
    private readonly keys: LastUsedKeys = { pattern: LAST_USED_KEY_PATTERN, legacyKey: LEGACY_LAST_USED_HASH_KEY },
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
    const taken = new Map<string, { tokenId: string; at: Date }[]>();
    try {
      const keys = await this.hashKeys();
      for (let start = 0; start < keys.length; start += KEYS_PER_ROUND) {
        const round = keys.slice(start, start + KEYS_PER_ROUND);
        const replies = await Promise.all(round.map((key) => this.redis.eval(TAKE_ALL, 1, key) as Promise<string[]>));
        round.forEach((key, index) => taken.set(key, parseUses(replies[index])));
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'last-used flush skipped: Redis is unavailable');
      await this.putBack(taken);
      return 0;
    }
    // A token may sit in two hashes during a rolling upgrade (old and new gateways): its latest use counts.
    const latest = new Map<string, Date>();
    for (const use of [...taken.values()].flat()) {
      const seen = latest.get(use.tokenId);
      if (!seen || seen < use.at) latest.set(use.tokenId, use.at);
    }
    const uses = [...latest].map(([tokenId, at]) => ({ tokenId, at }));
    try {
      await this.repository.record(uses);
      return uses.length;
    } catch (error) {
      this.logger.warn({ err: error, tokens: uses.length }, 'last-used flush failed; the batch goes back to Redis');
      await this.putBack(taken);
      return 0;
    }
  }

  /** Every hash to drain: the per-account ones, found by SCAN on each master (a cluster spreads them over its slots), and the legacy one. */
  private async hashKeys(): Promise<string[]> {
    const found = new Set<string>();
    const cluster = this.redis as unknown as { isCluster?: boolean; nodes?: (role: 'master') => Redis[] };
    const nodes = cluster.isCluster && cluster.nodes ? cluster.nodes('master') : [this.redis];
    for (const node of nodes) {
      let cursor = '0';
      do {
        const [next, keys] = await node.scan(cursor, 'MATCH', this.keys.pattern, 'COUNT', 1_000);
        for (const key of keys) found.add(key);
        cursor = next;
      } while (cursor !== '0');
    }
    if (this.keys.legacyKey) found.add(this.keys.legacyKey);
    return [...found];
  }

  /** Puts batches back after a failed database write, keeping whichever time is later. */
  private async putBack(taken: Map<string, { tokenId: string; at: Date }[]>): Promise<void> {
    await Promise.all(
      [...taken]
        .filter(([, uses]) => uses.length > 0)
        .map(([key, uses]) => this.redis.eval(PUT_BACK, 1, key, ...uses.flatMap((use) => [use.tokenId, String(use.at.getTime())])).catch(() => undefined)),
    );
  }
}

/** HGETALL's flat reply as uses; anything that is not a token id and a time is dropped. */
function parseUses(entries: string[]): { tokenId: string; at: Date }[] {
  const uses: { tokenId: string; at: Date }[] = [];
  for (let i = 0; i + 1 < entries.length; i += 2) {
    const at = Number(entries[i + 1]);
    if (isUuid(entries[i]) && Number.isFinite(at) && at > 0) uses.push({ tokenId: entries[i], at: new Date(at) });
  }
  return uses;
}
