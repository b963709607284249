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

/** How long a starting service waits for Redis: clients fail fast while offline, so it then starts without it rather than not at all. */
export const START_WITHOUT_REDIS_AFTER_MS = 5_000;

/** Resolves once every client is connected, or after `timeoutMs` when one is given. */
export async function redisReady(clients: Redis | Redis[], timeoutMs?: number): Promise<void> {
  const ready = Promise.all(
    [clients].flat().map((redis) => (redis.status === 'ready' ? undefined : new Promise((resolve) => redis.once('ready', resolve)))),
  );
  await (timeoutMs === undefined ? ready : Promise.race([ready, new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]));
}

/** A shutdown step that waits on Redis must not hold the process past its grace period while Redis is down. */
export function atMost(ms: number, step: Promise<unknown>): Promise<unknown> {
  return Promise.race([step.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, ms).unref())]);
}

/** QUIT when Redis answers, else drop the connection. */
export async function quitRedis(redis: Redis): Promise<void> {
  await redis.quit().catch(() => redis.disconnect());
}
