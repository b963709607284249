import express, { type Express, type Router } from 'express';
import type { Logger } from '@warden/config';
import { errorHandler, notFoundHandler } from './problem';
import { requestFrame } from './request-frame';
import { jsonBody } from './json-body';
import { requireInternalIdentity, type IdentityVerifier } from './internal-identity';
import { publicOpsRoutes, type Metrics, type ReadinessCheck } from './ops-routes';
import { createAdminApp } from './admin-app';

export interface ServiceAppOptions {
  logger: Logger;
  metrics: Metrics;
  readiness: Record<string, ReadinessCheck>;
  /** Checks the identity every request carries: minted for this service by the gateway, or by an internal caller a route lists. */
  identity: IdentityVerifier;
  /** The service's routes, mounted behind the signed-identity check. */
  routes: Router;
  bodyLimit?: string;
}

/** A service's public app and its operations app (`/metrics`, detailed `/readyz`), served on separate ports. */
export interface ServiceApps {
  app: Express;
  admin: Express;
}

/**
 * The frame every upstream service shares: request ids, access logs, metrics, health, the signed
 * identity gate, JSON bodies and the one error path. Only the routes differ between services.
 * Metrics and the detailed readiness are served by `admin`, not by the public app.
 */
export function createServiceApp({ logger, metrics, readiness, identity, routes, bodyLimit }: ServiceAppOptions): ServiceApps {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(requestFrame(logger, metrics));
  app.use(publicOpsRoutes({ checks: readiness }));
  app.use(requireInternalIdentity(identity));
  app.use(jsonBody({ limit: bodyLimit, checkDigest: true }));
  app.use(routes);
  app.use(notFoundHandler);
  app.use(errorHandler(logger));
  return { app, admin: createAdminApp({ logger, metrics, readiness }) };
}
