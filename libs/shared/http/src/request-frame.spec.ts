import { Writable } from 'node:stream';
import express from 'express';
import pino from 'pino';
import request from 'supertest';
import { createMetrics } from './ops-routes';
import { requestFrame } from './request-frame';

function capture() {
  const lines: any[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return { lines, logger: pino({ level: 'info', redact: ['req.headers.authorization'] }, stream) };
}

describe('request frame', () => {
  it('writes one access line per request with its id, method, URL, status and duration, and skips the probes', async () => {
    const { lines, logger } = capture();
    const app = express();
    app.use(requestFrame(logger, createMetrics('test')));
    app.get('/healthz', (_req, res) => void res.send('ok'));
    app.get('/api/v1/thing', (_req, res) => void res.status(201).send('made'));
    app.get('/api/v1/boom', (_req, res) => void res.status(503).send('down'));
    await request(app).get('/healthz').expect(200);
    const made = await request(app).get('/api/v1/thing?x=1').expect(201);
    await request(app).get('/api/v1/boom').expect(503);
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      level: 30,
      msg: 'request completed',
      reqId: made.headers['x-request-id'],
      req: { method: 'GET', url: '/api/v1/thing?x=1' },
      res: { statusCode: 201 },
    });
    expect(typeof lines[0].responseTime).toBe('number');
    expect(lines[1]).toMatchObject({ level: 50, msg: 'request errored', res: { statusCode: 503 } });
  });

  it('keeps a well-formed incoming request id and mints one for anything else', async () => {
    const app = express();
    app.use(requestFrame(capture().logger, createMetrics('test')));
    app.get('/', (_req, res) => void res.send('ok'));
    expect((await request(app).get('/').set('X-Request-Id', 'trace-12345678')).headers['x-request-id']).toBe('trace-12345678');
    expect((await request(app).get('/').set('X-Request-Id', '../../etc/passwd')).headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('counts every answered request by method, route pattern and status, the probes too', async () => {
    const metrics = createMetrics('test');
    const app = express();
    app.use(requestFrame(capture().logger, metrics));
    app.get('/healthz', (_req, res) => void res.send('ok'));
    app.get('/api/v1/things/:id', (_req, res) => void res.status(404).send('none'));
    await request(app).get('/healthz').expect(200);
    await request(app).get('/api/v1/things/42').expect(404);
    await request(app).get('/api/v1/things/43').expect(404);
    await new Promise((resolve) => setImmediate(resolve));
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/http_request_duration_seconds_count\{service="test",method="GET",route="\/api\/v1\/things\/:id",status="404"\} 2/);
    expect(text).toMatch(/http_request_duration_seconds_count\{service="test",method="GET",route="\/healthz",status="200"\} 1/);
  });
});
