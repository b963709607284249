import { Writable } from 'node:stream';
import express from 'express';
import pino from 'pino';
import request from 'supertest';
import { requestId } from './request-id';
import { accessLog } from './access-log';

function capture() {
  const lines: any[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return { lines, logger: pino({ level: 'info' }, stream) };
}

describe('gateway access log', () => {
  it('writes one line per request with its id, method, URL, status and duration, and skips the probes', async () => {
    const { lines, logger } = capture();
    const app = express();
    app.use(requestId);
    app.use(accessLog(logger, ['/healthz']));
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
});
