import { Redis, type RedisOptions } from 'ioredis';

/**
 * - `worker`: blocking BullMQ connections must retry forever (`maxRetriesPerRequest: null`).
 * - `producer`: fail fast while Redis is down (`enableOfflineQueue: false`) so the caller keeps the
 *   event in its outbox instead of piling it up in memory.
 * - `client`: ordinary commands (rate limits, revocation) with a short retry budget.
 */
export type RedisRole = 'worker' | 'producer' | 'client';

export function createRedis(url: string, role: RedisRole, extra: RedisOptions = {}): Redis {
  const base: RedisOptions = {
    connectionName: `warden-${role}`,
    lazyConnect: false,
    retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
  };
  const byRole: Record<RedisRole, RedisOptions> = {
    worker: { maxRetriesPerRequest: null },
    producer: { enableOfflineQueue: false, maxRetriesPerRequest: 1 },
    client: { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2_000 },
  };
  const redis = new Redis(url, { ...base, ...byRole[role], ...extra });
  // ioredis emits 'error' on every failed reconnect; unhandled, that would crash the process.
  redis.on('error', () => undefined);
  return redis;
}

export async function pingRedis(redis: Redis): Promise<void> {
  if (redis.status !== 'ready') throw new Error(`Redis connection is ${redis.status}`);
  await redis.ping();
}
