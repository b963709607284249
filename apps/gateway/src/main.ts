import { createLogger } from '@warden/config';
import { runService } from '@warden/http';
import { createRedis } from '@warden/queue';
import { gatewayRedisOptions, loadConfig } from './config';
import { composeGateway } from './compose-gateway';
import { createGatewayServer } from './edge/server';

const logger = createLogger({ name: 'gateway', level: process.env.LOG_LEVEL, file: process.env.LOG_FILE });

void runService('gateway', logger, async () => {
  const config = loadConfig();
  const redis = createRedis(config.REDIS_URL, 'client', gatewayRedisOptions(config));
  const gateway = composeGateway(config, { logger, redis });
  const server = createGatewayServer(gateway.app, { certFile: config.TLS_CERT_FILE, keyFile: config.TLS_KEY_FILE }).listen(config.PORT);
  logger.info({ port: config.PORT, tls: Boolean(config.TLS_CERT_FILE), requireHttps: config.REQUIRE_HTTPS }, 'gateway listening');
  return {
    servers: [server],
    close: async () => {
      await gateway.close();
      redis.disconnect();
    },
  };
});
