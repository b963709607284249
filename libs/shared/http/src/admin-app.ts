import express, { type Express } from 'express';
import type { Logger } from '@warden/config';
import { errorHandler, notFoundHandler } from './problem';
import { adminOpsRoutes, type Metrics, type ReadinessCheck } from './ops-routes';

export interface AdminAppOptions {
  logger: Logger;
  metrics: Metrics;
  readiness: Record<string, ReadinessCheck>;
}

/**
 * The operations app of one process (the gateway's or a service's), served on its own port
 * (`ADMIN_PORT`, bound to `ADMIN_HOST`, loopback by default): `/metrics` and the `/readyz` that
 * names each dependency and its error stay off the public port.
 */
export function createAdminApp({ logger, metrics, readiness }: AdminAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(adminOpsRoutes({ checks: readiness, metrics }));
  app.use(notFoundHandler);
  app.use(errorHandler(logger));
  return app;
}
