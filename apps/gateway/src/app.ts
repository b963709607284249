import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Logger } from '@warden/config';
import { AppError, createMetrics, refuseWrongRealm, errorHandler, notFoundHandler, publicOpsRoutes, requestFrame, type Metrics, type ReadinessCheck } from '@warden/http';
import { RouteTable, type UpstreamName } from './routing/route-table';
import type { UpstreamProxy } from './proxy/upstream-proxy';
import type { Authenticator } from './auth/authenticator';
import { trustProxySetting, type GatewayConfig } from './config';
import { apiSecurityHeaders, setApiSecurityHeaders } from './edge/security-headers';
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

const API_PREFIX = '/api/v1/';
const CONTRACT_PATH = '/api/v1/openapi.json';
/** The contract's path as the router matches it: any case, with or without a trailing slash. */
const CONTRACT = /^\/api\/v1\/openapi\.json\/?$/i;
const noop = () => undefined;

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
  const readBody = requestBodyReader(config.BODY_LIMIT);
  const frame = requestFrame(logger, metrics);
  const handleError = errorHandler(logger);

  /** Authenticate, match the operation, check its scope, proxy with a signed identity. */
  async function proxyApiRequest(req: Request, res: Response, path: string): Promise<void> {
    // The target goes upstream as given, and the identity signs it: only a path (origin form), never
    // a whole URL (`GET http://host/api/v1/...`), which a service would have to make sense of.
    if (!req.originalUrl.startsWith('/')) throw AppError.badRequest('The request target must be a path, such as /api/v1/apitokens.');
    const identity = await authenticator.authenticate(req, res);
    const match = routes.match(req.method, path);
    if (match.kind === 'none') throw AppError.notFound('No such route.');
    if (match.kind === 'method-not-allowed') {
      res.setHeader('Allow', match.allow.join(', '));
      throw new AppError({ status: 405, title: 'Method Not Allowed', detail: `${req.method} is not allowed here.` });
    }
    const { scope, upstream, path: route, platform } = match.operation;
    res.locals.route = route;
    const wrongRealm = refuseWrongRealm(identity, platform);
    if (wrongRealm) throw wrongRealm;
    if (scope && !identity.scopes.includes(scope)) throw AppError.forbidden(`This API token lacks the '${scope}' scope.`);
    await upstreams[upstream].forward(req, res, identity, await readBody(req));
  }

  // The proxied API is the product, and every such request takes the same steps: they run here in
  // order, ahead of the router, whose matching through the edge's other middleware cost more than
  // the steps themselves. A request that needs more of the edge (a CORS origin or preflight, plain
  // HTTP where HTTPS is required, the contract document) takes the full chain below, as does
  // everything outside /api/v1/.
  app.use((req: Request, res: Response, next: NextFunction) => {
    const path = req.path;
    if (
      !path.startsWith(API_PREFIX) ||
      CONTRACT.test(path) ||
      req.method === 'OPTIONS' ||
      req.headers.origin !== undefined ||
      (config.REQUIRE_HTTPS && !req.secure)
    ) {
      next();
      return;
    }
    frame(req, res, noop);
    setApiSecurityHeaders(res);
    proxyApiRequest(req, res, path).catch((error: unknown) => handleError(error, req, res, noop));
  });

  app.use(frame);
  // Health stays reachable over plain HTTP for load balancers; metrics and the detailed readiness
  // are on the operations server (composeGateway's `admin`).
  app.use(publicOpsRoutes({ checks: readiness }));
  app.use(apiSecurityHeaders());
  app.use(requireHttps(config.REQUIRE_HTTPS));
  app.use(corsPolicy(config.CORS_ORIGINS));
  app.use(apiDocsRoutes());
  app.use(consoleRoutes(consoleDistDir));

  const contract = JSON.stringify(document);
  app.get(CONTRACT_PATH, (_req, res) => {
    res.type('application/json').send(contract);
  });

  app.use('/api/v1', (req: Request, res: Response, next: NextFunction) => {
    proxyApiRequest(req, res, req.baseUrl + req.path).catch(next);
  });

  app.use(notFoundHandler);
  app.use(handleError);
  return app;
}
