import { createLogger } from '@warden/config';
import { runService } from '@warden/http';
import { connectMongo } from '@warden/data';
import { createRedis } from '@warden/queue';
import { loadConfig } from './config';
import { createApp } from './app';

const logger = createLogger({ name: 'token-service', level: process.env.LOG_LEVEL, file: process.env.LOG_FILE });

void runService('token-service', logger, async () => {
  const config = loadConfig();
  const mongo = await connectMongo(config.MONGODB_URL, config.MONGODB_DB);
  const redis = createRedis(config.REDIS_URL, 'client');
  const server = createApp({ config, logger, mongo, redis }).listen(config.PORT);
  logger.info({ port: config.PORT }, 'token-service listening');
  return {
    servers: [server],
    close: async () => {
      await mongo.close();
      redis.disconnect();
    },
  };
});
