import { once } from 'node:events';
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
  await Promise.race([once(redis, 'ready'), new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]);
}

void runService('token-service', logger, async () => {
  const config = loadConfig();
  const mongo = await connectMongo(config.MONGODB_URL, config.MONGODB_DB);
  const { accounts, apiTokens } = await initTokenModels(mongo);
  const redis = createRedis(config.REDIS_URL, 'client');
  const producer = createRedis(config.REDIS_URL, 'producer');
  await Promise.all([readyOrNot(redis), readyOrNot(producer)]);
  const queue = createAuditEventsQueue(producer);
  const relay = new OutboxRelay({
    models: [accounts, apiTokens],
    publish: (event) => publishChangeEvent(queue, event),
    logger,
    intervalMs: config.OUTBOX_POLL_MS,
    exclusive: exclusiveWrite,
  }).start();
  const lastUsed = new LastUsedFlusher(redis, new TokenLastUsedRepository(mongo), logger).start(config.LAST_USED_FLUSH_MS);
  const server = createApp({ config, logger, mongo, redis, outbox: relay }).listen(config.PORT);
  logger.info({ port: config.PORT }, 'token-service listening');
  return {
    servers: [server],
    close: async () => {
      await relay.stop();
      await lastUsed.stop();
      await lastUsed.flush();
      await queue.close();
      await mongo.close();
      await Promise.all([redis.quit().catch(() => redis.disconnect()), producer.quit().catch(() => producer.disconnect())]);
    },
  };
});
