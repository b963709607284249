import type { Connection } from 'mongoose';
import type { Cluster, Redis } from 'ioredis';
import type { Queue } from 'bullmq';
import type { Logger } from '@warden/config';
import { ChangeEventSigner, type SignedChangeEvent } from '@warden/contracts-events';
import { connectMongo } from '@warden/data';
import type { ComposedService } from '@warden/http';
import { START_WITHOUT_REDIS_AFTER_MS, atMost, createAuditEventsQueue, createOutboxRelay, createRedis, queuePrefixFor, quitRedis, recordedEventsClient, redisReady, AuditAnchors, type OutboxRelay } from '@warden/queue';
import { CredentialCipher, CredentialRepository, CredentialSealer, exclusiveWrite } from '@warden/credentials-data-access';
import { createApp } from './app';
import type { CredentialServiceConfig } from './config';

export interface CredentialServiceIo {
  logger: Logger;
  clock?: () => Date;
}

export interface ComposedCredentialService extends ComposedService {
  mongo: Connection;
  redis: Redis | Cluster;
  repository: CredentialRepository;
  cipher: CredentialCipher;
  /** Envelope encryption: the accounts' data keys (wrapped by `cipher`), cached unwrapped in this process; `destroyDataKey` shreds one account's. */
  sealer: CredentialSealer;
  queue: Queue<SignedChangeEvent>;
  relay: OutboxRelay;
}

/**
 * The credential service's composition root: its database, Redis clients, the audit-events
 * producer, the outbox relay and the HTTP app. `start` runs the relay; `close` stops it and closes
 * every connection, each Redis step bounded so that an outage cannot hold a shutdown.
 */
export async function composeCredentialService(config: CredentialServiceConfig, { logger, clock }: CredentialServiceIo): Promise<ComposedCredentialService> {
  const cipher = CredentialCipher.fromEnv(config.CREDENTIAL_ENCRYPTION_KEYS);
  const mongo = await connectMongo(config.MONGODB_URL, config.MONGODB_DB);
  const repository = new CredentialRepository(mongo);
  await repository.init();
  const sealer = new CredentialSealer({ cipher, repository });
  const redis = createRedis(config.REDIS_URL, 'client');
  const producer = createRedis(config.REDIS_URL, 'producer');
  const queue = createAuditEventsQueue(producer, queuePrefixFor(config.REDIS_URL, config.AUDIT_QUEUE_PREFIX), logger);
  // Every event leaves signed with this service's own key for the audit service (`credential-service>audit-service`).
  const signer = ChangeEventSigner.forProducer('credential-service', config.INTERNAL_KEYS);
  const relay = createOutboxRelay(config, {
    models: [repository.model], queue, signer, logger, exclusive: exclusiveWrite,
    // An event leaves its outbox only once the audit service says it is recorded (asked with `credential-service>audit-service`).
    recorded: recordedEventsClient({ auditServiceUrl: config.AUDIT_SERVICE_URL, caller: 'credential-service', keys: config.INTERNAL_KEYS, anchors: new AuditAnchors(mongo) }),
  });
  const { app, admin } = createApp({ config, logger, mongo, redis, repository, sealer, outbox: relay, clock });
  return {
    app,
    admin,
    mongo,
    redis,
    repository,
    cipher,
    sealer,
    queue,
    relay,
    start: async () => {
      await redisReady([redis, producer], START_WITHOUT_REDIS_AFTER_MS);
      relay.start();
    },
    close: async () => {
      await atMost(3_000, relay.stop());
      await atMost(1_000, queue.close());
      await mongo.close();
      await Promise.all([quitRedis(redis), quitRedis(producer)]);
    },
  };
}
