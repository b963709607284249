import { createLogger } from '@warden/config';
import { runService } from '@warden/http';
import { connectMongo } from '@warden/data';
import { createAuditEventsQueue, createRedis, OutboxRelay, publishChangeEvent } from '@warden/queue';
import { CredentialCipher, CredentialRepository, exclusiveWrite } from '@warden/credentials-data-access';
import { loadConfig } from './config';
import { createApp } from './app';

const logger = createLogger({ name: 'credential-service', level: process.env.LOG_LEVEL, file: process.env.LOG_FILE });

void runService('credential-service', logger, async () => {
  const config = loadConfig();
  const cipher = CredentialCipher.fromEnv(config.CREDENTIAL_ENCRYPTION_KEYS);
  const mongo = await connectMongo(config.MONGODB_URL, config.MONGODB_DB);
  const repository = new CredentialRepository(mongo);
  await repository.init();
  const redis = createRedis(config.REDIS_URL, 'client');
  const producer = createRedis(config.REDIS_URL, 'producer');
  const queue = createAuditEventsQueue(producer);
  const relay = new OutboxRelay({
    models: [repository.model],
    publish: (event) => publishChangeEvent(queue, event),
    logger,
    intervalMs: config.OUTBOX_POLL_MS,
    exclusive: exclusiveWrite,
    // Other replicas' outboxes only once they are stale: see OutboxRelayOptions.takeOverAfterMs.
    takeOverAfterMs: config.OUTBOX_TAKE_OVER_MS,
  }).start();
  const app = createApp({ config, logger, mongo, redis, repository, cipher, onEvent: (credentialId) => relay.kick(credentialId) });
  const server = app.listen(config.PORT);
  logger.info({ port: config.PORT, encryptionKeyId: cipher.currentKeyId }, 'credential-service listening');
  return {
    servers: [server],
    close: async () => {
      await relay.stop();
      await queue.close();
      await mongo.close();
      producer.disconnect();
      redis.disconnect();
    },
  };
});
