import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { promisify } from 'node:util';
import express, { type Express } from 'express';
import request from 'supertest';
import { readmeSection } from '@warden/testing';
import { CredentialCipher, rekeyCredentials, type CredentialDocument } from '@warden/credentials-data-access';
import { bootstrapToken, startGateway, startTokenService, type GatewayHarness, type TokenServiceHarness } from '../../gateway/src/test/gateway-harness';
import { startCredentialService, type Harness } from './test/credential-service-harness';

const k1 = `k1:${randomBytes(32).toString('base64')}`;
const k2 = `k2:${randomBytes(32).toString('base64')}`;
const planted: string[] = [];
function secret(label: string): string {
  const value = `${label}-${randomBytes(9).toString('hex')}`;
  planted.push(value);
  return value;
}

const smpp = (moniker = 'sms-primary') => ({
  name: 'Primary SMS route',
  moniker,
  type: 'smpp',
  properties: { host: 'smpp.carrier.example', port: 2775, systemId: 'warden01' },
  secrets: { password: secret('smpp') },
});

describe('credentials through the gateway (real token service, gateway and credential service)', () => {
  let tokens: TokenServiceHarness;
  let gateway: GatewayHarness;
  let credentials: Harness;
  let server: Server;
  /** The credential service the gateway reaches; swapped to simulate a restart with other keys. */
  let current: Express;
  let admin: { id: string; secret: string; accountId: string };
  let stranger: { id: string; secret: string; accountId: string };

  const call = (secretValue: string, method: 'get' | 'post' | 'patch' | 'delete', path: string, body?: unknown) => {
    const test = request(gateway.url)[method](path).set('Authorization', `Bearer ${secretValue}`);
    return body === undefined ? test : test.send(body as object);
  };
  const makeToken = async (body: Record<string, unknown>) => {
    const res = await call(admin.secret, 'post', '/api/v1/apitokens', { name: 'probe', ...body }).expect(201);
    return { id: res.body.data.id as string, secret: res.body.data.token as string };
  };

  beforeAll(async () => {
    credentials = await startCredentialService(k1);
    current = credentials.app;
    const front = express();
    front.use((req, res, next) => current(req, res, next));
    server = front.listen(0, '127.0.0.1');
    await once(server, 'listening');
    tokens = await startTokenService();
    gateway = await startGateway(tokens.url, { CREDENTIAL_SERVICE_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
    admin = await bootstrapToken(tokens.url);
    stranger = await bootstrapToken(tokens.url);
  });
  afterAll(async () => {
    await gateway?.close();
    await tokens?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await credentials?.close();
  });

  it('creates, reads by id and by moniker, lists, patches and deletes', async () => {
    const types = await call(admin.secret, 'get', '/api/v1/credentials/types').expect(200);
    expect(types.body.data).toHaveLength(4);
    const body = smpp();
    const created = await call(admin.secret, 'post', '/api/v1/credentials', body).expect(201);
    const { id } = created.body.data;
    expect(created.body.data.secrets).toEqual({ password: `••••${body.secrets.password.slice(-2)}` });
    expect((await call(admin.secret, 'get', `/api/v1/credentials/${id}`).expect(200)).body.data).toEqual(created.body.data);
    expect((await call(admin.secret, 'get', '/api/v1/credentials/sms-primary').expect(200)).body.data).toEqual(created.body.data);
    const listed = await call(admin.secret, 'get', '/api/v1/credentials').expect(200);
    expect(listed.body.data.map((c: { id: string }) => c.id)).toContain(id);
    expect(JSON.stringify(listed.body)).not.toContain('••••');
    const patched = await call(admin.secret, 'patch', '/api/v1/credentials/sms-primary', { properties: { port: 2776 } }).expect(200);
    expect(patched.body.data.properties).toEqual({ ...body.properties, port: 2776 });
    await call(admin.secret, 'delete', `/api/v1/credentials/${id}`).expect(200);
    await call(admin.secret, 'get', '/api/v1/credentials/sms-primary').expect(404);
  });

  const valid: Record<string, { properties: Record<string, unknown>; secrets: Record<string, unknown> }> = {
    smpp: { properties: { host: 'h', port: 2775, systemId: 's' }, secrets: { password: 'p' } },
    'http-basic': { properties: { username: 'u' }, secrets: { password: 'p' } },
    'api-key': { properties: { headerName: 'X-Key' }, secrets: { key: 'k' } },
    'oauth2-client-credentials': { properties: { tokenUrl: 'https://a.example/t', clientId: 'c' }, secrets: { clientSecret: 's' } },
  };
  it.each([
    ['smpp', 'properties', 'port', 'x', 'body.properties.port'],
    ['smpp', 'properties', 'systemId', 'x'.repeat(17), 'body.properties.systemId'],
    ['smpp', 'secrets', 'password', 1, 'body.secrets.password'],
    ['http-basic', 'properties', 'username', 1, 'body.properties.username'],
    ['http-basic', 'secrets', 'password', '', 'body.secrets.password'],
    ['api-key', 'properties', 'headerName', 'bad header', 'body.properties.headerName'],
    ['api-key', 'secrets', 'key', false, 'body.secrets.key'],
    ['oauth2-client-credentials', 'properties', 'tokenUrl', 'nope', 'body.properties.tokenUrl'],
    ['oauth2-client-credentials', 'properties', 'scopes', [1], 'body.properties.scopes[0]'],
    ['oauth2-client-credentials', 'secrets', 'clientSecret', {}, 'body.secrets.clientSecret'],
  ] as const)('validates %s per type: %s.%s = %p is a 400 naming %s', async (type, part, field, value, path) => {
    const body = { name: 'bad', moniker: 'bad', type, ...valid[type] };
    body[part] = { ...body[part], [field]: value };
    const res = await call(admin.secret, 'post', '/api/v1/credentials', body).expect(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.errors).toEqual([{ path, message: expect.any(String) }]);
  });

  it('answers 409 for a duplicate moniker and frees it on delete', async () => {
    await call(admin.secret, 'post', '/api/v1/credentials', smpp('dup')).expect(201);
    const conflict = await call(admin.secret, 'post', '/api/v1/credentials', smpp('dup')).expect(409);
    expect(conflict.body.detail).toBe('A credential with the moniker dup already exists.');
    await call(stranger.secret, 'post', '/api/v1/credentials', smpp('dup')).expect(201);
    await call(admin.secret, 'delete', '/api/v1/credentials/dup').expect(200);
    await call(admin.secret, 'post', '/api/v1/credentials', smpp('dup')).expect(201);
  });

  it.each(['Not_A_Moniker', 'UPPER', '00000000-0000-4000-8000-000000000000', 'x'.repeat(64)])('answers 404 (not 400) for /credentials/%s', async (key) => {
    const res = await call(admin.secret, 'get', `/api/v1/credentials/${key}`).expect(404);
    expect(res.body.success).toBe(false);
  });

  it('isolates accounts on every route', async () => {
    const { id } = (await call(admin.secret, 'post', '/api/v1/credentials', smpp('mine')).expect(201)).body.data;
    for (const key of [id, 'mine']) {
      await call(stranger.secret, 'get', `/api/v1/credentials/${key}`).expect(404);
      await call(stranger.secret, 'patch', `/api/v1/credentials/${key}`, { name: 'taken over' }).expect(404);
      await call(stranger.secret, 'post', `/api/v1/credentials/${key}/reveal`).expect(404);
      await call(stranger.secret, 'delete', `/api/v1/credentials/${key}`).expect(404);
    }
    const theirs = await call(stranger.secret, 'get', '/api/v1/credentials?limit=200').expect(200);
    expect(theirs.body.data.map((c: { id: string }) => c.id)).not.toContain(id);
    expect((await call(admin.secret, 'get', '/api/v1/credentials/mine').expect(200)).body.data.name).toBe('Primary SMS route');
  });

  it('reveals only with credentials:reveal, and audits each reveal with the token that asked', async () => {
    const body = smpp('revealed');
    const { id } = (await call(admin.secret, 'post', '/api/v1/credentials', body).expect(201)).body.data;
    const noReveal = await makeToken({ scopes: ['credentials:read', 'credentials:write'] });
    const denied = await call(noReveal.secret, 'post', '/api/v1/credentials/revealed/reveal').expect(403);
    expect(denied.body.detail).toContain('credentials:reveal');
    await call(noReveal.secret, 'get', '/api/v1/credentials/revealed').expect(200);

    const bot = await makeToken({ name: 'sms-bot', type: 'service', scopes: ['credentials:reveal'] });
    const revealed = await call(bot.secret, 'post', '/api/v1/credentials/revealed/reveal').expect(200);
    expect(revealed.body).toEqual({
      success: true,
      messages: ['This reveal has been recorded in the audit trail.'],
      data: { id, moniker: 'revealed', type: 'smpp', secrets: body.secrets },
    });
    const reveals = (await credentials.events()).filter((event) => event.objectId === id && event.auditType === 'Revealed');
    expect(reveals).toHaveLength(1);
    expect(reveals[0]).toMatchObject({
      accountId: admin.accountId,
      actor: { type: 'service', id: bot.id, name: 'sms-bot' },
      username: 'sms-bot',
      detail: { reveal: { fields: ['password'] }, auditType: 'Revealed', auditObject: 'Credential' },
    });
  });

  it('keeps serving through a key rotation and a rekey', async () => {
    const body = smpp('rotated');
    const { id } = (await call(admin.secret, 'post', '/api/v1/credentials', body).expect(201)).body.data;
    current = credentials.withKeys(`${k1},${k2}`);
    expect((await call(admin.secret, 'post', '/api/v1/credentials/rotated/reveal').expect(200)).body.data.secrets).toEqual(body.secrets);
    const result = await rekeyCredentials({ repository: credentials.repository, cipher: CredentialCipher.fromEnv(`${k1},${k2}`), actor: { type: 'operator', id: 'cli:test', name: 'operator' } });
    expect(result).toMatchObject({ keyId: 'k2', failed: [], remaining: 0, dataKeys: { failed: [], remaining: 0 } });
    expect(result.dataKeys.rewrapped).toBeGreaterThan(0);
    current = credentials.withKeys(k2);
    expect((await call(admin.secret, 'post', '/api/v1/credentials/rotated/reveal').expect(200)).body.data.secrets).toEqual(body.secrets);
    const stored = await credentials.repository.model.findById(id).lean<CredentialDocument>();
    const dataKey = await credentials.repository.findDataKey(admin.accountId);
    expect(dataKey?.wrapped?.keyId).toBe('k2');
    expect(stored?.keyId).toBe(`dk:${dataKey?.dataKeyId}`);
    expect(Object.values(stored?.secrets ?? {}).map((field) => field.keyId)).toEqual([`dk:${dataKey?.dataKeyId}`]);
  });

  it("runs the curl examples of the README's Credentials section", async () => {
    const markdown = readmeSection('Credentials');
    const blocks = [...markdown.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1]);
    expect(blocks.length).toBeGreaterThanOrEqual(5);
    planted.push('s3cr3t-pa55word-d2', 'n3w-s3cr3t-pa55-7a');
    const docs = await bootstrapToken(tokens.url);
    const outputs: any[][] = [];
    for (const block of blocks) {
      // One JSON answer per line: the examples print curl's body as is.
      const script = `curl() { command curl "$@"; echo; }\n${block}`;
      const { stdout } = await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', script], {
        env: { PATH: process.env.PATH, WARDEN_URL: gateway.url, WARDEN_TOKEN: docs.secret },
      });
      outputs.push(stdout.trim().split('\n').map((line) => JSON.parse(line)));
    }
    for (const answers of outputs) for (const answer of answers) expect(answer.success).toBe(true);
    const [[created], [read, listed], [patched], [revealed], [deleted]] = outputs;
    expect(created.data).toMatchObject({ moniker: 'sms-primary', secrets: { password: '••••d2' } });
    expect(read.data.id).toBe(created.data.id);
    expect(listed.data.map((c: { id: string }) => c.id)).toEqual([created.data.id]);
    expect(patched.data).toMatchObject({ properties: { port: 2776 }, secrets: { password: '••••7a' } });
    expect(revealed.data.secrets).toEqual({ password: 'n3w-s3cr3t-pa55-7a' });
    expect(deleted.data).toEqual({ id: created.data.id, deleted: true });
  });

  it('leaves no plaintext secret in the logs, the stored documents or the queue', async () => {
    const events = await credentials.events();
    const documents = await credentials.repository.model.collection.find({}).toArray();
    const haystacks = {
      log: readFileSync(process.env.WARDEN_TEST_LOG_FILE ?? '', 'utf8'),
      documents: JSON.stringify(documents),
      events: JSON.stringify(events),
    };
    expect(haystacks.log).toContain('"service":"gateway"');
    expect(planted.length).toBeGreaterThan(5);
    for (const [where, text] of Object.entries(haystacks)) {
      expect({ where, leaked: planted.filter((value) => text.includes(value)) }).toEqual({ where, leaked: [] });
    }
  });
});
