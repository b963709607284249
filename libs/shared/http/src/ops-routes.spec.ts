import express from 'express';
import request from 'supertest';
import pino from 'pino';
import { createAdminApp } from './admin-app';
import { errorHandler } from './problem';
import { createMetrics, publicOpsRoutes, type ReadinessCheck } from './ops-routes';

const logger = pino({ level: 'silent' });
const down: ReadinessCheck = async () => {
  throw new Error('connect ECONNREFUSED 10.1.2.3:27017');
};
const checks = { mongodb: down, redis: async () => undefined, cache: async () => 'degraded' as const };

function publicApp(readiness: Record<string, ReadinessCheck>) {
  const app = express();
  app.use(publicOpsRoutes({ checks: readiness }));
  // What follows on a real public port: a gate that refuses anything unsigned.
  app.use((_req, res) => void res.status(401).json({ status: 401 }));
  app.use(errorHandler(logger));
  return app;
}

describe('public operations routes', () => {
  it('answers /healthz', async () => {
    expect((await request(publicApp(checks)).get('/healthz')).body).toEqual({ status: 'ok' });
  });

  it('answers /readyz with a bare status: no check names, no error text, even when a dependency is down', async () => {
    const notReady = await request(publicApp(checks)).get('/readyz');
    expect(notReady.status).toBe(503);
    expect(notReady.body).toEqual({ status: 'not ready' });
    expect(notReady.text).not.toMatch(/mongodb|ECONNREFUSED|10\.1\.2\.3/);

    const ready = await request(publicApp({ redis: async () => undefined, cache: async () => 'degraded' })).get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready' });
  });

  it('answers /metrics with 404 before any gate', async () => {
    const res = await request(publicApp(checks)).get('/metrics');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.text).not.toMatch(/process_cpu/);
  });
});

describe('operations app', () => {
  const metrics = createMetrics('ops-test');
  const admin = createAdminApp({ logger, metrics, readiness: checks });

  it('answers the detailed /readyz: each check and its error', async () => {
    const res = await request(admin).get('/readyz');
    expect(res.status).toBe(503);
    expect(res.body).toEqual({
      status: 'not ready',
      checks: { mongodb: 'unavailable: connect ECONNREFUSED 10.1.2.3:27017', redis: 'ok', cache: 'degraded' },
    });
  });

  it('serves Prometheus text at /metrics', async () => {
    const res = await request(admin).get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.text).toMatch(/process_cpu_user_seconds_total\{service="ops-test"\}/);
  });

  it('answers /healthz, and 404 problem+json for anything else', async () => {
    expect((await request(admin).get('/healthz')).status).toBe(200);
    const res = await request(admin).get('/api/v1/apitokens');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});
