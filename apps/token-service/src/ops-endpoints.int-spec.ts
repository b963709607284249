import request from 'supertest';
import { startTokenService, type TokenServiceHarness } from './test/token-service-harness';

// A service's public port answers health and a bare readiness; metrics and the readiness that names
// each dependency and its error are on the operations app (ADMIN_PORT, loopback by default).
describe('token service operations endpoints', () => {
  let healthy: TokenServiceHarness;
  let withoutRedis: TokenServiceHarness;

  beforeAll(async () => {
    healthy = await startTokenService({ relay: false });
    // Nothing listens on the discard port: Redis is down for this one.
    withoutRedis = await startTokenService({ relay: false, env: { REDIS_URL: 'redis://127.0.0.1:9' } });
  });
  afterAll(async () => {
    await healthy?.close();
    await withoutRedis?.close();
  });

  it('answers 404 to /metrics on the public app, before the signed-identity gate', async () => {
    const res = await request(healthy.app).get('/metrics');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.text).not.toMatch(/process_cpu/);
  });

  it('serves Prometheus text and the detailed readiness on the operations app', async () => {
    const metrics = await request(healthy.admin).get('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.text).toMatch(/process_cpu_user_seconds_total\{service="token-service"\}/);
    const ready = await request(healthy.admin).get('/readyz');
    expect([ready.status, ready.body]).toEqual([200, { status: 'ready', checks: { mongodb: 'ok', redis: 'ok' } }]);
    const publicReady = await request(healthy.app).get('/readyz');
    expect([publicReady.status, publicReady.body]).toEqual([200, { status: 'ready' }]);
  });

  it('says only "not ready" on the public port while Redis is down, and which check failed and why on the operations app', async () => {
    const publicReady = await request(withoutRedis.app).get('/readyz');
    expect(publicReady.status).toBe(503);
    expect(publicReady.body).toEqual({ status: 'not ready' });
    expect(publicReady.text).not.toMatch(/redis|unavailable|127\.0\.0\.1/i);
    const detailed = await request(withoutRedis.admin).get('/readyz');
    expect(detailed.status).toBe(503);
    expect(detailed.body).toEqual({ status: 'not ready', checks: { mongodb: 'ok', redis: expect.stringMatching(/^unavailable: /) } });
  });
});
