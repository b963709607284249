import { createLogger } from '@warden/config';
import { createMetrics, runService } from '@warden/http';
import { createRedis } from '@warden/queue';
import { loadOpenApiDocument } from '@warden/contracts-api';
import { gatewayRedisOptions, loadConfig } from './config';
import { createGatewayApp } from './app';
import { UpstreamProxy } from './proxy/upstream-proxy';
import { createTokenAuthenticator } from './auth/token-authenticator';

const logger = createLogger({ name: 'gateway', level: process.env.LOG_LEVEL, file: process.env.LOG_FILE });

void runService('gateway', logger, async () => {
  const config = loadConfig();
  const redis = createRedis(config.REDIS_URL, 'client', gatewayRedisOptions(config));
  const metrics = createMetrics('gateway');
  const proxy = (name: string, origin: string) =>
    new UpstreamProxy({ name, origin, signingKey: config.INTERNAL_SIGNING_KEY, timeoutMs: config.UPSTREAM_TIMEOUT_MS });
  const upstreams = {
    tokens: proxy('token', config.TOKEN_SERVICE_URL),
    credentials: proxy('credential', config.CREDENTIAL_SERVICE_URL),
    audit: proxy('audit', config.AUDIT_SERVICE_URL),
  };
  const authenticator = createTokenAuthenticator({ config, redis, logger, registry: metrics.registry });
  const app = createGatewayApp({
    config,
    logger,
    document: loadOpenApiDocument(),
    authenticator,
    upstreams,
    metrics,
    // A Redis outage degrades rate limiting to per-replica memory; only the token service is essential.
    readiness: authenticator.readiness,
  });
  const server = app.listen(config.PORT);
  logger.info({ port: config.PORT }, 'gateway listening');
  return {
    servers: [server],
    close: async () => {
      await Promise.all(Object.values(upstreams).map((upstream) => upstream.close()));
      await authenticator.close();
      redis.disconnect();
    },
  };
});
