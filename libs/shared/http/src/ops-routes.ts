import { Router } from 'express';
import { Registry, collectDefaultMetrics, Histogram } from 'prom-client';
import type { Request, RequestHandler, Response } from 'express';
import { notFoundHandler } from './problem';

/**
 * Resolves when the dependency answers; resolving with 'degraded' reports a dependency the service
 * works around (it shows in /readyz but keeps the replica ready); throwing makes it not ready.
 */
export type ReadinessCheck = () => Promise<void | 'degraded'>;

/** One registry per app, so several apps composed in one test process do not collide. */
export function createMetrics(service: string) {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  const httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  // One child per method, route and status, bound once: labelling on every observation hashed the
  // label set per request.
  const bound = new Map<string, Histogram.Internal<'method' | 'route' | 'status'>>();
  /** Records a finished response by its route pattern, never the raw path: ids would explode the label set. */
  const recordResponse = (req: Request, res: Response, seconds: number) => {
    const route = (res.locals.route as string | undefined) ?? (req.route?.path ? `${req.baseUrl}${req.route.path}` : 'unmatched');
    const key = `${req.method} ${res.statusCode} ${route}`;
    let child = bound.get(key);
    if (!child) {
      child = httpDuration.labels(req.method, route, String(res.statusCode));
      bound.set(key, child);
    }
    child.observe(seconds);
  };
  return { registry, recordResponse };
}
export type Metrics = ReturnType<typeof createMetrics>;

async function runChecks(checks: Record<string, ReadinessCheck>) {
  const results = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      try {
        return [name, (await check()) ?? 'ok'] as const;
      } catch (error) {
        return [name, `unavailable: ${(error as Error).message}`] as const;
      }
    }),
  );
  const ready = results.every(([, status]) => status === 'ok' || status === 'degraded');
  return { ready, checks: Object.fromEntries(results) };
}

/**
 * What the public port answers about the process: `/healthz` says it is alive; `/readyz` that every
 * dependency answers (a load balancer takes the replica out while one does not), as a bare
 * `{"status":"ready"}` 200 or `{"status":"not ready"}` 503: which dependency failed, and why, is
 * for the operations server only. `/metrics` is 404 here.
 */
export function publicOpsRoutes({ checks }: { checks: Record<string, ReadinessCheck> }): RequestHandler {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const { ready } = await runChecks(checks);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready' });
  });
  // Metrics are the operations server's: here they are an unknown route, whoever asks.
  router.all('/metrics', notFoundHandler);
  // Every request passes here: only these three paths (as the router matches them, any case, with
  // or without a trailing slash) pay for its matching.
  return (req, res, next) => {
    if (OPS_PATH.test(req.path)) router(req, res, next);
    else next();
  };
}

const OPS_PATH = /^\/(?:healthz|readyz|metrics)\/?$/i;

/**
 * What the operations server answers (`ADMIN_PORT`, loopback by default): `/healthz`; `/readyz`
 * with each check and its error text; `/metrics` in Prometheus text.
 */
export function adminOpsRoutes({ checks, metrics }: { checks: Record<string, ReadinessCheck>; metrics: Metrics }): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const { ready, checks: results } = await runChecks(checks);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks: results });
  });
  router.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  return router;
}
