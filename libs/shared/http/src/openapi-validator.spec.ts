import { readFileSync } from 'node:fs';
import express from 'express';
import request from 'supertest';
import { parse } from 'yaml';
import { OPENAPI_PATH, loadOpenApiDocument } from '@warden/contracts-api';
import { createLogger } from '@warden/config';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { OpenApiValidator, validatedQuery } from './openapi-validator';
import { errorHandler } from './problem';
import { jsonBody } from './json-body';

const validator = new OpenApiValidator(loadOpenApiDocument());

/** The contract's `Problem` schema, compiled on its own: every refusal must fit the bounds it states. */
const problemSchema = (() => {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ ...loadOpenApiDocument(), $id: 'contract.json' });
  return ajv.compile({ $ref: 'contract.json#/components/schemas/Problem' });
})();
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

function app() {
  const server = express();
  server.set('query parser', 'simple');
  server.use(jsonBody());
  server.post('/tokens', validator.validate('createApiToken'), (req, res) => res.json({ body: req.body }));
  server.get('/tokens', validator.validate('listApiTokens'), (_req, res) => res.json({ query: validatedQuery(res) }));
  server.post('/credentials', validator.validate('createCredential'), (req, res) => res.json({ body: req.body }));
  server.patch('/tokens/:id', validator.validate('updateApiToken'), (req, res) => res.json({ body: req.body }));
  server.get('/audit', validator.validate('listAuditRecords'), (_req, res) => res.json({ query: validatedQuery(res) }));
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

  describe('bounds the contract states on input (Spectral OWASP: every string, array and integer bounded)', () => {
    // A valid RFC 3339 instant padded with fractional digits to exactly `length` characters.
    const instant = (length: number) => `2999-11-01T00:00:00.${'1'.repeat(length - 21)}Z`;

    it('refuses an expiresAt longer than 64 characters, on create and on update', async () => {
      expect(instant(64)).toHaveLength(64);
      expect((await request(app()).post('/tokens').send({ name: 'ci', expiresAt: instant(64) })).status).toBe(200);
      const created = await request(app()).post('/tokens').send({ name: 'ci', expiresAt: instant(65) });
      expect(created.status).toBe(400);
      expect(created.body.errors).toEqual([{ path: 'body.expiresAt', message: 'must NOT have more than 64 characters' }]);
      const updated = await request(app()).patch('/tokens/x').send({ expiresAt: instant(65) });
      expect(updated.status).toBe(400);
      expect(updated.body.errors).toEqual([{ path: 'body.expiresAt', message: 'must NOT have more than 64 characters' }]);
    });

    it('refuses more scopes than there are', async () => {
      const all = ['tokens:read', 'tokens:write', 'credentials:read', 'credentials:write', 'credentials:reveal', 'audit:read', 'audit:witness', 'tokens:reveal'];
      expect((await request(app()).post('/tokens').send({ name: 'ci', scopes: all })).status).toBe(200);
      const res = await request(app()).post('/tokens').send({ name: 'ci', scopes: [...all, 'audit:read'] });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual(expect.arrayContaining([{ path: 'body.scopes', message: 'must NOT have more than 8 items' }]));
    });

    it('refuses audit filter instants longer than 64 characters', async () => {
      expect((await request(app()).get(`/audit?from=${instant(64)}&to=${instant(64)}`)).status).toBe(200);
      for (const name of ['from', 'to']) {
        const res = await request(app()).get(`/audit?${name}=${instant(65)}`);
        expect(res.status).toBe(400);
        expect(res.body.errors).toEqual([{ path: `query.${name}`, message: 'must NOT have more than 64 characters' }]);
      }
      const objectType = await request(app()).get(`/audit?objectType=A${'b'.repeat(64)}`);
      expect(objectType.status).toBe(400);
    });

    it('answers a body of thousands of unknown fields with a problem inside the bounds of the contract', async () => {
      const body: Record<string, number> = { name: 1 };
      for (let i = 0; i < 2000; i++) body[`field${i}`] = i;
      body[`k${'x'.repeat(5000)}`] = 0;
      const res = await request(app()).post('/tokens').send(body);
      expect(res.status).toBe(400);
      expect(res.body.errors).toHaveLength(100);
      expect(res.body.messages).toHaveLength(101);
      expect(problemSchema(res.body)).toBe(true);
      expect(problemSchema.errors ?? []).toEqual([]);
    });

    it('cuts an overlong query parameter name in the problem to the bound of the contract', async () => {
      const res = await request(app()).get(`/tokens?${'q'.repeat(4000)}=1`);
      expect(res.status).toBe(400);
      expect(res.body.errors[0].path).toHaveLength(1024);
      expect(res.body.errors[0].path).toMatch(/^query\.q+…$/);
      expect(problemSchema(res.body)).toBe(true);
    });
  });
});
