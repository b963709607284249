import express from 'express';
import request from 'supertest';
import { createLogger } from '@warden/config';
import { AppError } from './app-error';
import { errorHandler, notFoundHandler } from './problem';
import { jsonBody } from './json-body';
import { requestId } from './request-id';
import { ok, list } from './envelope';

function appWith(route: express.RequestHandler) {
  const app = express();
  app.use(requestId);
  app.use(jsonBody({ limit: '1kb' }));
  app.post('/thing', route);
  app.get('/thing', route);
  app.use(notFoundHandler);
  app.use(errorHandler(createLogger({ name: 'test', level: 'silent' })));
  return app;
}

describe('envelope', () => {
  it('wraps data and lists', () => {
    expect(ok({ a: 1 })).toEqual({ success: true, messages: [], data: { a: 1 } });
    expect(list([1], null)).toEqual({ success: true, messages: [], data: [1], meta: { nextCursor: null } });
  });
});

describe('problem+json errors', () => {
  it('renders an AppError with its fields and messages', async () => {
    const app = appWith(() => {
      throw AppError.badRequest('The request body is invalid.', [{ path: 'body.name', message: 'is required' }]);
    });
    const res = await request(app).get('/thing');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({
      type: 'https://httpstatuses.com/400',
      title: 'Bad Request',
      status: 400,
      detail: 'The request body is invalid.',
      success: false,
      messages: ['The request body is invalid.', 'body.name: is required'],
      errors: [{ path: 'body.name', message: 'is required' }],
    });
    expect(res.body.requestId).toBe(res.headers['x-request-id']);
  });

  it('answers malformed JSON with 400', async () => {
    const res = await request(appWith((_req, res) => res.json(ok(null))))
      .post('/thing')
      .set('content-type', 'application/json')
      .send('{"a":');
    expect(res.status).toBe(400);
    expect(res.body.detail).toBe('The request body is not valid JSON.');
  });

  it('answers a non-JSON body with 415 and an oversized one with 413', async () => {
    const app = appWith((_req, res) => res.json(ok(null)));
    const form = await request(app).post('/thing').set('content-type', 'text/plain').send('hello');
    expect(form.status).toBe(415);
    const big = await request(app).post('/thing').send({ blob: 'x'.repeat(4096) });
    expect(big.status).toBe(413);
    expect(big.headers['content-type']).toMatch(/problem\+json/);
  });

  it('hides unexpected errors behind an errorId, never a stack trace', async () => {
    const res = await request(
      appWith(() => {
        throw new Error('database password is hunter2');
      }),
    ).get('/thing');
    expect(res.status).toBe(500);
    expect(res.body.errorId).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.stringify(res.body)).not.toContain('hunter2');
    expect(JSON.stringify(res.body)).not.toContain('at ');
  });

  it('answers a path parameter that is not valid percent-encoding with a 404 problem, not a 500', async () => {
    const app = express();
    app.get('/things/:id', (_req, res) => res.json(ok(null)));
    app.use(errorHandler(createLogger({ name: 'test', level: 'silent' })));
    for (const id of ['%ZZ', '%', '%E0%A4%A']) {
      const res = await request(app).get(`/things/${id}`);
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 404, title: 'Not Found', success: false });
    }
  });

  it("keeps the client-error status of Express' own errors instead of a 500", async () => {
    const res = await request(
      appWith(() => {
        throw Object.assign(new Error('request aborted'), { status: 400, expose: true, type: 'request.aborted' });
      }),
    ).get('/thing');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ status: 400, title: 'Bad Request', detail: 'request aborted' });
  });

  it('answers unknown routes with a 404 problem', async () => {
    const res = await request(appWith((_req, res) => res.json(ok(null)))).get('/nowhere');
    expect(res.status).toBe(404);
    expect(res.body.success).toBe(false);
  });
});
