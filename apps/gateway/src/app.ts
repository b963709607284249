import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Logger } from '@warden/config';
import { AppError, accessLog, createMetrics, errorHandler, notFoundHandler, publicOpsRoutes, requestId, type Metrics, type ReadinessCheck } from '@warden/http';
import { RouteTable, type UpstreamName } from './routing/route-table';
import type { UpstreamProxy } from './proxy/upstream-proxy';
import type { Authenticator } from './auth/authenticator';
import { trustProxySetting, type GatewayConfig } from './config';
import { apiSecurityHeaders } from './edge/security-headers';
import { requireHttps } from './edge/require-https';
import { corsPolicy } from './edge/cors-policy';
import { requestBodyReader } from './edge/request-body-guard';
import { apiDocsRoutes } from './edge/api-docs';
import { consoleRoutes } from './console/console.routes';

export interface GatewayDeps {
  config: Pick<GatewayConfig, 'TRUST_PROXY' | 'REQUIRE_HTTPS' | 'CORS_ORIGINS' | 'BODY_LIMIT'>;
  logger: Logger;
  document: Record<string, any>;
  authenticator: Authenticator;
  upstreams: Record<UpstreamName, UpstreamProxy>;
  readiness: Record<string, ReadinessCheck>;
  /** The registry the authenticator's metrics live on; one is created when absent. */
  metrics?: Metrics;
  /** Where the built console lives (apps/console/dist by default). */
  consoleDistDir?: string;
}

/** The one public door: authenticate, check the operation's scope, proxy with a signed identity. */
export function createGatewayApp({
  config,
  logger,
  document,
  authenticator,
  upstreams,
  readiness,
  metrics = createMetrics('gateway'),
  consoleDistDir,
}: GatewayDeps): Express {
  const app = express();
  const routes = new RouteTable(document);
  app.disable('x-powered-by');
  app.set('trust proxy', trustProxySetting(config.TRUST_PROXY));
  app.set('query parser', 'simple');
  app.use(requestId);
  app.use(accessLog(logger, ['/healthz', '/readyz', '/metrics']));
  app.use(metrics.observe);
  // Health stays reachable over plain HTTP for load balancers; metrics and the detailed readiness
  // are on the operations server (composeGateway's `admin`).
  app.use(publicOpsRoutes({ checks: readiness }));
  app.use(apiSecurityHeaders());
  app.use(requireHttps(config.REQUIRE_HTTPS));
  app.use(corsPolicy(config.CORS_ORIGINS));
  app.use(apiDocsRoutes());
  app.use(consoleRoutes(consoleDistDir));
  const readBody = requestBodyReader(config.BODY_LIMIT);

  const contract = JSON.stringify(document);
  app.get('/api/v1/openapi.json', (_req, res) => {
    res.type('application/json').send(contract);
  });

  app.use('/api/v1', async (req: Request, res: Response, next: NextFunction) => {
    try {
      const identity = await authenticator.authenticate(req, res);
      const match = routes.match(req.method, req.baseUrl + req.path);
      if (match.kind === 'none') throw AppError.notFound('No such route.');
      if (match.kind === 'method-not-allowed') {
        res.setHeader('Allow', match.allow.join(', '));
        throw new AppError({ status: 405, title: 'Method Not Allowed', detail: `${req.method} is not allowed here.` });
      }
      const { scope, upstream } = match.operation;
      if (scope && !identity.scopes.includes(scope)) throw AppError.forbidden(`This API token lacks the '${scope}' scope.`);
      await upstreams[upstream].forward(req, res, identity, await readBody(req));
    } catch (error) {
      next(error);
    }
  });

  app.use(notFoundHandler);
  app.use(errorHandler(logger));
  return app;
}
