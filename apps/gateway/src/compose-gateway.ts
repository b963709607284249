import type { Cluster, Redis } from 'ioredis';
import type { Logger } from '@warden/config';
import { loadOpenApiDocument } from '@warden/contracts-api';
import { IdentitySigner, createAdminApp, createMetrics, serverTimeouts, type ComposedService, type Metrics } from '@warden/http';
import { START_WITHOUT_REDIS_AFTER_MS, createRedis, quitRedis, redisReady } from '@warden/queue';
import { createGatewayApp } from './app';
import { gatewayRedisOptions, type GatewayConfig } from './config';
import { createGatewayServer } from './edge/server';
import { UpstreamProxy } from './proxy/upstream-proxy';
import { createTokenAuthenticator, type TokenAuthenticator } from './auth/token-authenticator';
import type { UpstreamName } from './routing/route-table';

export interface ComposedGateway extends ComposedService {
  authenticator: TokenAuthenticator;
  metrics: Metrics;
  redis: Redis | Cluster;
}

export interface GatewayIo {
  logger: Logger;
  /** A Redis connection the caller owns (and closes); by default the gateway opens its own. */
  redis?: Redis | Cluster;
  consoleDistDir?: string;
}

/**
 * The gateway's composition root: its Redis connection, upstream pools, authenticator, metrics, the
 * edge app and the operations app (`admin`: metrics and detailed readiness, for ADMIN_PORT). main.ts,
 * the test harnesses and the platforms the tools run all take a replica from here; `close` closes
 * the pools, the authenticator and the Redis connection it opened.
 */
export function composeGateway(config: GatewayConfig, { logger, redis: givenRedis, consoleDistDir }: GatewayIo): ComposedGateway {
  const redis = givenRedis ?? createRedis(config.REDIS_URL, 'client', gatewayRedisOptions(config));
  const metrics = createMetrics('gateway');
  // The one holder of the keys that mint identities for API tokens.
  const signer = new IdentitySigner('gateway', config.INTERNAL_KEYS);
  const proxy = (name: string, origin: string) =>
    new UpstreamProxy({ name, origin, audience: `${name}-service`, signer, timeoutMs: config.UPSTREAM_TIMEOUT_MS });
  const upstreams: Record<UpstreamName, UpstreamProxy> = {
    tokens: proxy('token', config.TOKEN_SERVICE_URL),
    credentials: proxy('credential', config.CREDENTIAL_SERVICE_URL),
    audit: proxy('audit', config.AUDIT_SERVICE_URL),
  };
  const authenticator = createTokenAuthenticator({ config, redis, logger, registry: metrics.registry, signer });
  const app = createGatewayApp({
    config,
    logger,
    document: loadOpenApiDocument(),
    authenticator,
    upstreams,
    metrics,
    // A Redis outage degrades rate limiting to per-replica memory; only the token service is essential.
    readiness: authenticator.readiness,
    consoleDistDir,
  });
  const admin = createAdminApp({ logger, metrics, readiness: authenticator.readiness });
  return {
    app,
    admin,
    authenticator,
    metrics,
    redis,
    // Without Redis the gateway still serves (rate limits fall back to memory): wait a moment, not forever.
    start: () => redisReady([redis], START_WITHOUT_REDIS_AFTER_MS),
    createServer: () => createGatewayServer(app, { certFile: config.TLS_CERT_FILE, keyFile: config.TLS_KEY_FILE }, serverTimeouts(config)),
    close: async () => {
      await Promise.all(Object.values(upstreams).map((upstream) => upstream.close()));
      await authenticator.close();
      if (!givenRedis) await quitRedis(redis);
    },
  };
}
