import type { Express } from 'express';
import type { Redis } from 'ioredis';
import type { Logger } from '@warden/config';
import { loadOpenApiDocument } from '@warden/contracts-api';
import { createMetrics, type Metrics } from '@warden/http';
import { createGatewayApp } from './app';
import type { GatewayConfig } from './config';
import { UpstreamProxy } from './proxy/upstream-proxy';
import { createTokenAuthenticator, type TokenAuthenticator } from './auth/token-authenticator';
import type { UpstreamName } from './routing/route-table';

export interface ComposedGateway {
  app: Express;
  authenticator: TokenAuthenticator;
  metrics: Metrics;
  /** Closes upstream pools and the authenticator; the caller owns the server and Redis. */
  close: () => Promise<void>;
}

/** The production wiring of one gateway replica; main.ts and the tests that run real replicas share it. */
export function composeGateway(
  config: GatewayConfig,
  { logger, redis, consoleDistDir }: { logger: Logger; redis: Redis; consoleDistDir?: string },
): ComposedGateway {
  const metrics = createMetrics('gateway');
  const proxy = (name: string, origin: string) =>
    new UpstreamProxy({ name, origin, signingKey: config.INTERNAL_SIGNING_KEY, timeoutMs: config.UPSTREAM_TIMEOUT_MS });
  const upstreams: Record<UpstreamName, UpstreamProxy> = {
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
    consoleDistDir,
  });
  return {
    app,
    authenticator,
    metrics,
    close: async () => {
      await Promise.all(Object.values(upstreams).map((upstream) => upstream.close()));
      await authenticator.close();
    },
  };
}
