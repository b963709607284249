import type { Connection, Model } from 'mongoose';
import type { Cluster, Redis } from 'ioredis';
import type { Queue } from 'bullmq';
import type { Logger } from '@warden/config';
import { ChangeEventSigner, type SignedChangeEvent } from '@warden/contracts-events';
import { connectMongo } from '@warden/data';
import type { ComposedService } from '@warden/http';
import { START_WITHOUT_REDIS_AFTER_MS, atMost, createAuditEventsQueue, createOutboxRelay, createRedis, queuePrefixFor, quitRedis, recordedEventsClient, redisReady, AuditAnchors, type OutboxRelay } from '@warden/queue';
import { TokenLastUsedRepository, exclusiveWrite, initTokenModels, type AccountDoc, type ApiTokenDoc } from '@warden/tokens-data-access';
import { createApp } from './app';
import type { TokenServiceConfig } from './config';
import { LastUsedFlusher } from './domain/last-used-flusher';

export interface TokenServiceIo {
  logger: Logger;
  clock?: () => Date;
  /** Record every MongoDB command the service sends (tests that prove a request reads nothing). */
  monitorCommands?: boolean;
}

export interface ComposedTokenService extends ComposedService {
  mongo: Connection;
  redis: Redis | Cluster;
  models: { accounts: Model<AccountDoc>; apiTokens: Model<ApiTokenDoc> };
  queue: Queue<SignedChangeEvent>;
  relay: OutboxRelay;
  lastUsed: LastUsedFlusher;
}

/**
 * The token service's composition root: its database, Redis clients, the audit-events producer,
 * the outbox relay, the last-used flusher and the HTTP app. `start` runs the background work;
 * `close` stops it and closes every connection, each step bounded so that a Redis outage cannot
 * hold a shutdown past its grace period.
 */
export async function composeTokenService(config: TokenServiceConfig, { logger, clock, monitorCommands = false }: TokenServiceIo): Promise<ComposedTokenService> {
  const mongo = await connectMongo(config.MONGODB_URL, config.MONGODB_DB, { monitorCommands });
  const models = await initTokenModels(mongo);
  const redis = createRedis(config.REDIS_URL, 'client');
  const producer = createRedis(config.REDIS_URL, 'producer');
  const queue = createAuditEventsQueue(producer, queuePrefixFor(config.REDIS_URL, config.AUDIT_QUEUE_PREFIX), logger);
  // Every event leaves signed with this service's own key for the audit service (`token-service>audit-service`).
  const signer = ChangeEventSigner.forProducer('token-service', config.INTERNAL_KEYS);
  const relay = createOutboxRelay(config, {
    models: [models.accounts, models.apiTokens], queue, signer, logger, exclusive: exclusiveWrite,
    // An event leaves its outbox only once the audit service says it is recorded (asked with `token-service>audit-service`).
    recorded: recordedEventsClient({ auditServiceUrl: config.AUDIT_SERVICE_URL, caller: 'token-service', keys: config.INTERNAL_KEYS, anchors: new AuditAnchors(mongo) }),
  });
  const lastUsed = new LastUsedFlusher(redis, new TokenLastUsedRepository(mongo), logger);
  const { app, admin } = createApp({ config, logger, mongo, redis, outbox: relay, clock });
  return {
    app,
    admin,
    mongo,
    redis,
    models,
    queue,
    relay,
    lastUsed,
    start: async () => {
      await redisReady([redis, producer], START_WITHOUT_REDIS_AFTER_MS);
      relay.start();
      lastUsed.start(config.LAST_USED_FLUSH_MS);
    },
    close: async () => {
      await atMost(3_000, relay.stop());
      await lastUsed.stop();
      await atMost(2_000, lastUsed.flush());
      await atMost(1_000, queue.close());
      await mongo.close();
      await Promise.all([quitRedis(redis), quitRedis(producer)]);
    },
  };
}
