import { Cluster, Redis, type ClusterNode, type ClusterOptions, type RedisOptions } from 'ioredis';

/** A single Redis or a Redis Cluster: both take the same commands (ioredis follows MOVED and ASK on a cluster). */
export type RedisClient = Redis | Cluster;

const CLUSTER_URL = /^(rediss?)\+cluster:\/\/(.+)$/;

/** Whether `url` names a Redis Cluster: `redis+cluster://host1:port1,host2:port2,...` (or `rediss+cluster://` for TLS). */
export function isClusterUrl(url: string): boolean {
  return CLUSTER_URL.test(url);
}

/**
 * The seed nodes and connection options of a cluster URL: `redis+cluster://[user:password@]host1:port1,host2:port2,...[/?name=value]`.
 * The client learns the whole cluster from any seed that answers. `rediss+cluster://` connects with TLS.
 */
export function parseClusterUrl(url: string): { seeds: ClusterNode[]; redisOptions: RedisOptions } {
  const match = CLUSTER_URL.exec(url);
  if (!match) throw new Error('not a redis+cluster:// URL');
  const [, scheme, rest] = match;
  const at = rest.lastIndexOf('@');
  const credentials = at >= 0 ? rest.slice(0, at) : '';
  const hostList = (at >= 0 ? rest.slice(at + 1) : rest).replace(/\/.*$/, '');
  const seeds = hostList
    .split(',')
    .filter(Boolean)
    .map((entry) => {
      const { hostname, port } = new URL(`redis://${entry}`);
      return { host: hostname.replace(/^\[(.*)\]$/, '$1'), port: Number(port || 6379) };
    });
  if (seeds.length === 0) throw new Error('a redis+cluster:// URL needs at least one host:port');
  const redisOptions: RedisOptions = {};
  if (credentials) {
    const colon = credentials.indexOf(':');
    const username = decodeURIComponent(colon >= 0 ? credentials.slice(0, colon) : '');
    const password = decodeURIComponent(colon >= 0 ? credentials.slice(colon + 1) : credentials);
    if (username) redisOptions.username = username;
    if (password) redisOptions.password = password;
  }
  if (scheme === 'rediss') redisOptions.tls = {};
  return { seeds, redisOptions };
}

/**
 * - `worker`: blocking BullMQ connections must retry forever (`maxRetriesPerRequest: null`).
 * - `producer`: fail fast while Redis is down (`enableOfflineQueue: false`) so the caller keeps the
 *   event in its outbox instead of piling it up in memory.
 * - `client`: ordinary commands (rate limits, revocation) with a short retry budget.
 */
export type RedisRole = 'worker' | 'producer' | 'client';

const ROLE_OPTIONS: Record<RedisRole, RedisOptions> = {
  worker: { maxRetriesPerRequest: null },
  producer: { enableOfflineQueue: false, maxRetriesPerRequest: 1 },
  client: { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2_000 },
};

/**
 * A connection for `role`: a `Redis` for `redis://`/`rediss://`, a `Cluster` for
 * `redis+cluster://`/`rediss+cluster://` seed lists. The role's options hold on a cluster too:
 * `retryStrategy` becomes the cluster's `clusterRetryStrategy`, the offline queue applies to the
 * cluster as a whole (commands fail fast while it is not ready, or wait, for workers), and every
 * node connection gets the rest, `maxRetriesPerRequest` included (`redisOptions`).
 */
export function createRedis(url: string, role: RedisRole, extra: RedisOptions = {}): RedisClient {
  const base: RedisOptions = {
    connectionName: `warden-${role}`,
    lazyConnect: false,
    retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
  };
  const options: RedisOptions = { ...base, ...ROLE_OPTIONS[role], ...extra };
  const redis: RedisClient = isClusterUrl(url) ? createCluster(url, options) : new Redis(url, options);
  // ioredis emits 'error' on every failed reconnect; unhandled, that would crash the process.
  redis.on('error', () => undefined);
  return redis;
}

function createCluster(url: string, options: RedisOptions): Cluster {
  const { seeds, redisOptions } = parseClusterUrl(url);
  const { retryStrategy, enableOfflineQueue, maxRetriesPerRequest, lazyConnect, enableAutoPipelining, ...perNode } = options;
  const clusterOptions: ClusterOptions = {
    clusterRetryStrategy: retryStrategy ? (attempt) => retryStrategy(attempt) : () => null,
    enableOfflineQueue,
    lazyConnect,
    enableAutoPipelining,
    // Node connections take the role's budget (BullMQ reads a worker's `maxRetriesPerRequest: null`
    // here); the cluster follows MOVED and ASK and refreshes its slot map when a node fails over.
    redisOptions: { ...perNode, ...redisOptions, ...(maxRetriesPerRequest === undefined ? {} : { maxRetriesPerRequest }) },
    // A failover's new master shows up at the next slot refresh; retry a command a few times meanwhile.
    retryDelayOnFailover: 100,
    retryDelayOnClusterDown: 100,
    retryDelayOnTryAgain: 100,
    slotsRefreshTimeout: 2_000,
  };
  return new Cluster(seeds, clusterOptions);
}

/**
 * The BullMQ prefix of the audit queues: on a cluster, wrapped in a hash tag (`bull` -> `{bull}`)
 * unless it carries one already, so that each queue's keys share one slot, as BullMQ's scripts
 * need; on a single Redis, as given.
 */
export function queuePrefixFor(redisUrl: string | undefined, prefix?: string): string | undefined {
  if (!redisUrl || !isClusterUrl(redisUrl)) return prefix;
  const base = prefix ?? 'bull';
  return /\{[^}]+\}/.test(base) ? base : `{${base}}`;
}

export async function pingRedis(redis: RedisClient): Promise<void> {
  if (redis.status !== 'ready') throw new Error(`Redis connection is ${redis.status}`);
  await redis.ping();
}

/** How long a starting service waits for Redis: clients fail fast while offline, so it then starts without it rather than not at all. */
export const START_WITHOUT_REDIS_AFTER_MS = 5_000;

/** Resolves once every client is connected, or after `timeoutMs` when one is given. */
export async function redisReady(clients: RedisClient | RedisClient[], timeoutMs?: number): Promise<void> {
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
export async function quitRedis(redis: RedisClient): Promise<void> {
  await redis.quit().catch(() => redis.disconnect());
}
