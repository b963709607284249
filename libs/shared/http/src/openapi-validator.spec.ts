import { readFileSync } from 'node:fs';
import express from 'express';
import request from 'supertest';
import { parse } from 'yaml';
import { OPENAPI_PATH, loadOpenApiDocument } from '@warden/contracts-api';
import { createLogger } from '@warden/config';
import { OpenApiValidator, validatedQuery } from './openapi-validator';
import { errorHandler } from './problem';
import { jsonBody } from './json-body';

const validator = new OpenApiValidator(loadOpenApiDocument());
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

function app() {
  const server = express();
  server.set('query parser', 'simple');
  server.use(jsonBody());
  server.post('/tokens', validator.validate('createApiToken'), (req, res) => res.json({ body: req.body }));
  server.get('/tokens', validator.validate('listApiTokens'), (_req, res) => res.json({ query: validatedQuery(res) }));
  server.post('/credentials', validator.validate('createCredential'), (req, res) => res.json({ body: req.body }));
  server.use(errorHandler(createLogger({ name: 'test', level: 'silent' })));
  return server;
}

describe('OpenApiValidator against the Warden contract', () => {
  it('knows every operation of the document', () => {
    // Read from the file itself: every operation of every path, and, as a cross-check that the walk
    // misses none, every `operationId:` line of the YAML text.
    const source = readFileSync(OPENAPI_PATH, 'utf8');
    const document = parse(source) as { paths: Record<string, Record<string, { operationId?: string }>> };
    const operationIds = Object.values(document.paths).flatMap((item) =>
      HTTP_METHODS.flatMap((method) => (item[method]?.operationId ? [item[method].operationId] : [])),
    );
    expect(operationIds).toHaveLength(source.match(/^\s+operationId:\s*\S+\s*$/gm)?.length ?? -1);
    expect(new Set(operationIds).size).toBe(operationIds.length);
    expect(operationIds.filter((id) => !validator.has(id))).toEqual([]);
    for (const id of operationIds) expect(validator.validate(id)).toEqual(expect.any(Function));
    expect(() => validator.validate('noSuchOperation')).toThrow(/Unknown operationId/);
  });

  it('accepts a valid body and applies defaults', async () => {
    const res = await request(app()).post('/tokens').send({ name: 'ci' });
    expect(res.status).toBe(200);
    expect(res.body.body).toMatchObject({ name: 'ci', enabled: true });
  });

  it('names each bad field in errors[]', async () => {
    const res = await request(app()).post('/tokens').send({ name: 42, enabled: 'yes', surprise: true });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    const paths = res.body.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['body.name', 'body.enabled', 'body.surprise']));
  });

  it('refuses a body that is not an object where the contract takes one of several object shapes', async () => {
    // Strict JSON parsing already refuses a bare string, number, boolean or null; arrays reach the validator.
    for (const body of [[], [{ type: 'smpp' }], [[[]]]]) {
      const res = await request(app()).post('/credentials').set('content-type', 'application/json').send(JSON.stringify(body));
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual(expect.arrayContaining([{ path: 'body', message: 'must be object' }]));
    }
  });

  it('requires a body where the contract does', async () => {
    const res = await request(app()).post('/tokens');
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ path: 'body', message: 'is required' }]);
  });

  it('coerces and bounds query parameters', async () => {
    expect((await request(app()).get('/tokens?limit=5')).body.query).toMatchObject({ limit: 5 });
    expect((await request(app()).get('/tokens?limit=500')).status).toBe(400);
    expect((await request(app()).get('/tokens?limit=abc')).status).toBe(400);
  });

  it('refuses unknown and operator-shaped query parameters instead of passing objects on', async () => {
    const res = await request(app()).get('/tokens?name[$ne]=x');
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toEqual({ path: 'query.name[$ne]', message: 'is not a recognised query parameter' });
    expect((await request(app()).get('/tokens?name=a&name=b')).status).toBe(400);
  });

  it('validates a discriminated credential body by its type', async () => {
    const valid = {
      name: 'SMS centre',
      moniker: 'sms-centre',
      type: 'smpp',
      properties: { host: 'smpp.example.com', port: 2775, systemId: 'warden' },
      secrets: { password: 'pw' },
    };
    expect((await request(app()).post('/credentials').send(valid)).status).toBe(200);
    const wrong = { ...valid, properties: { ...valid.properties, port: 'twenty' } };
    expect((await request(app()).post('/credentials').send(wrong)).status).toBe(400);
  });
});
