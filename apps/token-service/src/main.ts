import type { Redis } from 'ioredis';
import { createLogger } from '@warden/config';
import { runService } from '@warden/http';
import { connectMongo } from '@warden/data';
import { OutboxRelay, createAuditEventsQueue, createRedis, publishChangeEvent } from '@warden/queue';
import { TokenLastUsedRepository, exclusiveWrite, initTokenModels } from '@warden/tokens-data-access';
import { loadConfig } from './config';
import { createApp } from './app';
import { LastUsedFlusher } from './domain/last-used-flusher';

const logger = createLogger({ name: 'token-service', level: process.env.LOG_LEVEL, file: process.env.LOG_FILE });

/** Redis clients fail fast while offline; give them a moment to connect, but start without Redis if it is down. */
async function readyOrNot(redis: Redis, timeoutMs = 5_000): Promise<void> {
  if (redis.status === 'ready') return;
  await Promise.race([new Promise((resolve) => redis.once('ready', resolve)), new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]);
}

/** A shutdown step that waits on Redis must not hold the process past its grace period while Redis is down. */
function atMost(ms: number, step: Promise<unknown>): Promise<unknown> {
  return Promise.race([step.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, ms).unref())]);
}

void runService('token-service', logger, async () => {
  const config = loadConfig();
  const mongo = await connectMongo(config.MONGODB_URL, config.MONGODB_DB);
  const { accounts, apiTokens } = await initTokenModels(mongo);
  const redis = createRedis(config.REDIS_URL, 'client');
  const producer = createRedis(config.REDIS_URL, 'producer');
  await Promise.all([readyOrNot(redis), readyOrNot(producer)]);
  const queue = createAuditEventsQueue(producer);
  let lastQueueWarning = 0;
  queue.on('error', (error) => {
    // Events wait in their outboxes meanwhile; one line per half-minute says so without flooding the log.
    if (Date.now() - lastQueueWarning < 30_000) return;
    lastQueueWarning = Date.now();
    logger.warn({ err: error }, 'audit-events queue unreachable; change events wait in their outboxes');
  });
  const relay = new OutboxRelay({
    models: [accounts, apiTokens],
    publish: (event) => publishChangeEvent(queue, event),
    logger,
    intervalMs: config.OUTBOX_POLL_MS,
    exclusive: exclusiveWrite,
    // Other replicas' outboxes only once they are stale: see OutboxRelayOptions.takeOverAfterMs.
    takeOverAfterMs: config.OUTBOX_TAKE_OVER_MS,
  }).start();
  const lastUsed = new LastUsedFlusher(redis, new TokenLastUsedRepository(mongo), logger).start(config.LAST_USED_FLUSH_MS);
  const server = createApp({ config, logger, mongo, redis, outbox: relay }).listen(config.PORT);
  logger.info({ port: config.PORT }, 'token-service listening');
  return {
    servers: [server],
    close: async () => {
      await atMost(3_000, relay.stop());
      await lastUsed.stop();
      await atMost(2_000, lastUsed.flush());
      await atMost(1_000, queue.close());
      await mongo.close();
      await Promise.all([redis.quit().catch(() => redis.disconnect()), producer.quit().catch(() => producer.disconnect())]);
    },
  };
});
