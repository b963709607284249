import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { testIdentity } from '@warden/testing';
import { changeEventSchema } from '@warden/contracts-events';
import { redactSecrets } from '@warden/audit-feature';
import type { Scope } from '@warden/http';
import { startCredentialService, type Harness } from './test/credential-service-harness';

const KEYS = `k1:${randomBytes(32).toString('base64')}`;
/** Every secret value this suite stores; none may appear outside the ciphertexts and reveal responses. */
const planted: string[] = [];
function secret(label: string): string {
  const value = `${label}-${randomBytes(9).toString('hex')}`;
  planted.push(value);
  return value;
}

const bodies = {
  smpp: () => ({
    name: 'Primary SMS route',
    moniker: 'sms-primary',
    type: 'smpp',
    properties: { host: 'smpp.carrier.example', port: 2775, systemId: 'warden01', systemType: '' },
    secrets: { password: secret('smpp') },
  }),
  'http-basic': () => ({
    name: 'Billing webhook',
    moniker: 'billing-webhook',
    type: 'http-basic',
    properties: { username: 'warden' },
    secrets: { password: secret('basic') },
  }),
  'api-key': () => ({
    name: 'Geocoding API',
    moniker: 'geocoder',
    type: 'api-key',
    properties: { headerName: 'X-Api-Key' },
    secrets: { key: secret('apikey') },
  }),
  'oauth2-client-credentials': () => ({
    name: 'CRM integration',
    moniker: 'crm',
    type: 'oauth2-client-credentials',
    properties: { tokenUrl: 'https://auth.crm.example/oauth2/token', clientId: 'warden-integration', scopes: ['contacts.read'] },
    secrets: { clientSecret: secret('oauth') },
  }),
};
type TypeName = keyof typeof bodies;

let h: Harness;
beforeAll(async () => {
  h = await startCredentialService(KEYS);
});
afterAll(async () => {
  await h?.close();
});

const withScopes = (identity: ReturnType<typeof testIdentity>, scopes: Scope[]) => ({ ...identity, scopes });

describe('credential service (direct, signed identity)', () => {
  it('describes every type for a form', async () => {
    const res = await h.call(testIdentity(), 'GET', '/api/v1/credentials/types').expect(200);
    expect(res.body.data.map((t: { type: string }) => t.type)).toEqual(['smpp', 'http-basic', 'api-key', 'oauth2-client-credentials']);
    expect(res.body.data[0]).toEqual({
      type: 'smpp',
      label: 'SMPP',
      properties: [
        { name: 'host', label: 'Host', type: 'string', required: true, secret: false },
        { name: 'port', label: 'Port', type: 'integer', required: true, secret: false },
        { name: 'systemId', label: 'System ID', type: 'string', required: true, secret: false },
        { name: 'systemType', label: 'System type', type: 'string', required: false, secret: false },
      ],
      secrets: [{ name: 'password', label: 'Password', required: true, secret: true }],
    });
    expect(res.body.data[3].properties).toContainEqual({ name: 'scopes', label: 'Scopes', type: 'string[]', required: false, secret: false });
  });

  it.each(Object.keys(bodies) as TypeName[])('creates, reads and lists a %s credential with masked secrets', async (type) => {
    const identity = testIdentity();
    const body = bodies[type]();
    const created = await h.call(identity, 'POST', '/api/v1/credentials', body).expect(201);
    const [field, value] = Object.entries(body.secrets)[0];
    expect(created.body).toMatchObject({ success: true, messages: ['Credential created.'] });
    expect(created.body.data).toMatchObject({ name: body.name, moniker: body.moniker, type, properties: body.properties });
    expect(created.body.data.secrets).toEqual({ [field]: `••••${value.slice(-2)}` });
    const id = created.body.data.id;

    const byId = await h.call(identity, 'GET', `/api/v1/credentials/${id}`).expect(200);
    const byMoniker = await h.call(identity, 'GET', `/api/v1/credentials/${body.moniker}`).expect(200);
    expect(byId.body.data).toEqual(created.body.data);
    expect(byMoniker.body.data).toEqual(created.body.data);

    const listed = await h.call(identity, 'GET', '/api/v1/credentials').expect(200);
    expect(listed.body.data).toEqual([
      { id, name: body.name, moniker: body.moniker, type, createdAt: created.body.data.createdAt, updatedAt: created.body.data.updatedAt },
    ]);
    expect(listed.body.meta).toEqual({ nextCursor: null });
  });

  describe('per-type validation names the field', () => {
    const cases: [TypeName, string, 'properties' | 'secrets', unknown][] = [
      ['smpp', 'host', 'properties', 42],
      ['smpp', 'port', 'properties', '2775'],
      ['smpp', 'port', 'properties', 70000],
      ['smpp', 'systemId', 'properties', true],
      ['smpp', 'systemType', 'properties', 1],
      ['smpp', 'password', 'secrets', 123],
      ['http-basic', 'username', 'properties', ['warden']],
      ['http-basic', 'password', 'secrets', null],
      ['api-key', 'headerName', 'properties', 'X Api Key'],
      ['api-key', 'key', 'secrets', { nested: true }],
      ['oauth2-client-credentials', 'tokenUrl', 'properties', 'not a url'],
      ['oauth2-client-credentials', 'clientId', 'properties', 7],
      ['oauth2-client-credentials', 'scopes', 'properties', 'contacts.read'],
      ['oauth2-client-credentials', 'clientSecret', 'secrets', 99],
    ];
    it.each(cases)('%s: %s (%s) = %p is a 400 on that field', async (type, field, part, value) => {
      const body = bodies[type]();
      (body[part] as Record<string, unknown>)[field] = value;
      const res = await h.call(testIdentity(), 'POST', '/api/v1/credentials', body).expect(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.errors).toEqual([{ path: `body.${part}.${field}`, message: expect.any(String) }]);
    });

    it.each([
      [{ type: 'ftp' }, 'body.type', /must be one of/],
      [{ type: undefined }, 'body.type', /is required/],
      [{ moniker: 'types' }, 'body.moniker', /reserved/],
      [{ moniker: 'Not_A_Slug' }, 'body.moniker', /pattern/],
      [{ name: 'x' }, 'body.name', /fewer than 2/],
      [{ extra: 1 }, 'body.extra', /not an allowed field/],
      [{ properties: { host: 'h', port: 1, systemId: 's', rogue: 1 } }, 'body.properties.rogue', /not an allowed field/],
      [{ properties: { host: 'h', systemId: 's' } }, 'body.properties.port', /is required/],
      [{ secrets: {} }, 'body.secrets.password', /is required/],
    ])('%p is one 400 naming %s', async (change, path, message) => {
      const body = { ...bodies.smpp(), ...change };
      const res = await h.call(testIdentity(), 'POST', '/api/v1/credentials', body).expect(400);
      expect(res.body.errors).toEqual([{ path, message: expect.stringMatching(message) }]);
    });

    it('checks a PATCH against the stored type', async () => {
      const identity = testIdentity();
      await h.call(identity, 'POST', '/api/v1/credentials', bodies.smpp()).expect(201);
      const port = await h.call(identity, 'PATCH', '/api/v1/credentials/sms-primary', { properties: { port: 'x' } }).expect(400);
      expect(port.body.errors).toEqual([{ path: 'body.properties.port', message: 'must be integer' }]);
      const foreign = await h.call(identity, 'PATCH', '/api/v1/credentials/sms-primary', { secrets: { key: 'abc' } }).expect(400);
      expect(foreign.body.errors).toEqual([{ path: 'body.secrets.key', message: 'is not an allowed field' }]);
      const password = await h.call(identity, 'PATCH', '/api/v1/credentials/sms-primary', { secrets: { password: 5 } }).expect(400);
      expect(password.body.errors).toEqual([{ path: 'body.secrets.password', message: 'must be string' }]);
      const moniker = await h.call(identity, 'PATCH', '/api/v1/credentials/sms-primary', { moniker: 'other' }).expect(400);
      expect(moniker.body.errors).toEqual([{ path: 'body.moniker', message: 'is not an allowed field' }]);
      await h.call(identity, 'PATCH', '/api/v1/credentials/sms-primary', {}).expect(400);
    });
  });

  it('refuses a duplicate moniker with 409, per account, and frees it on delete', async () => {
    const alice = testIdentity();
    const bob = testIdentity();
    const first = await h.call(alice, 'POST', '/api/v1/credentials', bodies['api-key']()).expect(201);
    const dup = await h.call(alice, 'POST', '/api/v1/credentials', { ...bodies['http-basic'](), moniker: 'geocoder' }).expect(409);
    expect(dup.body).toMatchObject({ status: 409, detail: 'A credential with the moniker geocoder already exists.', success: false });
    await h.call(bob, 'POST', '/api/v1/credentials', bodies['api-key']()).expect(201);

    const deleted = await h.call(alice, 'DELETE', '/api/v1/credentials/geocoder').expect(200);
    expect(deleted.body).toEqual({ success: true, messages: ['Credential deleted.'], data: { id: first.body.data.id, deleted: true } });
    await h.call(alice, 'GET', `/api/v1/credentials/${first.body.data.id}`).expect(404);
    await h.call(alice, 'DELETE', '/api/v1/credentials/geocoder').expect(404);
    const again = await h.call(alice, 'POST', '/api/v1/credentials', bodies['api-key']()).expect(201);
    expect(again.body.data.id).not.toBe(first.body.data.id);
    expect((await h.call(alice, 'GET', '/api/v1/credentials/geocoder').expect(200)).body.data.id).toBe(again.body.data.id);
    // The second delete leaves a second tombstone until the relay has published it: still no clash.
    await h.call(alice, 'DELETE', '/api/v1/credentials/geocoder').expect(200);
    await h.call(alice, 'POST', '/api/v1/credentials', bodies['api-key']()).expect(201);
  });

  it.each(['not-a-uuid-nor-known', 'Not_A_Moniker', 'ABC', randomUUID(), '..', '%24ne'])('answers 404 for /credentials/%s', async (key) => {
    const identity = testIdentity();
    await h.call(identity, 'POST', '/api/v1/credentials', { ...bodies.smpp(), moniker: 'abc' }).expect(201);
    const res = await h.call(identity, 'GET', `/api/v1/credentials/${key}`);
    expect(res.status).toBe(404);
    expect(res.body.success).toBe(false);
  });

  it('addresses by id case-insensitively and by moniker on every route', async () => {
    const identity = testIdentity();
    const { id } = (await h.call(identity, 'POST', '/api/v1/credentials', bodies.smpp()).expect(201)).body.data;
    await h.call(identity, 'GET', `/api/v1/credentials/${id.toUpperCase()}`).expect(200);
    await h.call(identity, 'PATCH', `/api/v1/credentials/${id}`, { name: 'Renamed by id' }).expect(200);
    await h.call(identity, 'PATCH', '/api/v1/credentials/sms-primary', { name: 'Renamed by moniker' }).expect(200);
    await h.call(identity, 'POST', `/api/v1/credentials/${id}/reveal`).expect(200);
    await h.call(identity, 'POST', '/api/v1/credentials/sms-primary/reveal').expect(200);
    await h.call(identity, 'DELETE', '/api/v1/credentials/sms-primary').expect(200);
  });

  it('merges a PATCH and reports which secret changed, never its value', async () => {
    const identity = testIdentity();
    const body = bodies.smpp();
    const { id } = (await h.call(identity, 'POST', '/api/v1/credentials', body).expect(201)).body.data;
    const next = secret('rotated');
    const res = await h.call(identity, 'PATCH', `/api/v1/credentials/${id}`, { name: 'EU route', properties: { port: 2776 }, secrets: { password: next } }).expect(200);
    expect(res.body.messages).toEqual(['Credential updated.']);
    expect(res.body.data).toMatchObject({ name: 'EU route', properties: { ...body.properties, port: 2776 }, secrets: { password: `••••${next.slice(-2)}` } });
    expect(res.body.data.updatedAt >= res.body.data.createdAt).toBe(true);
    const revealed = await h.call(identity, 'POST', `/api/v1/credentials/${id}/reveal`).expect(200);
    expect(revealed.body.data.secrets).toEqual({ password: next });
    // Nothing changes: no write, no event.
    await h.call(identity, 'PATCH', `/api/v1/credentials/${id}`, { name: 'EU route', secrets: { password: next } }).expect(200);

    const order = ['Created', 'Updated', 'Revealed'];
    const events = (await h.events()).filter((event) => event.objectId === id).sort((a, b) => order.indexOf(a.auditType) - order.indexOf(b.auditType));
    expect(events.map((event) => event.auditType)).toEqual(order);
    expect(events[1].detail.update).toEqual({
      prior: { name: 'Primary SMS route', properties: { port: 2775 } },
      after: { name: 'EU route', properties: { port: 2776 }, changedSecretFields: ['password'] },
    });
    expect(events[0].detail.create?.after).toEqual({ name: body.name, moniker: body.moniker, type: 'smpp', properties: body.properties, secretFields: ['password'] });
    expect(events[2].detail.reveal).toEqual({ fields: ['password'] });
    expect(events[2].actor).toEqual({ type: 'token', id: identity.tokenId, name: identity.name });
    expect(events[2]).toMatchObject({ accountId: identity.accountId, objectType: 'Credential', remoteIp: identity.clientIp, requestId: identity.requestId });
  });

  it('pages the list newest first with a cursor', async () => {
    const identity = testIdentity();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push((await h.call(identity, 'POST', '/api/v1/credentials', { ...bodies['api-key'](), moniker: `key-${i}` }).expect(201)).body.data.id);
    }
    const seen: string[] = [];
    let url = '/api/v1/credentials?limit=2';
    for (;;) {
      const page = await h.call(identity, 'GET', url).expect(200);
      seen.push(...page.body.data.map((c: { moniker: string }) => c.moniker));
      expect(page.body.data.every((c: object) => Object.keys(c).sort().join() === 'createdAt,id,moniker,name,type,updatedAt')).toBe(true);
      if (!page.body.meta.nextCursor) break;
      url = `/api/v1/credentials?limit=2&cursor=${page.body.meta.nextCursor}`;
    }
    expect(seen).toEqual(['key-4', 'key-3', 'key-2', 'key-1', 'key-0']);
    await h.call(identity, 'GET', '/api/v1/credentials?cursor=garbage').expect(400);
    // A forged cursor whose time is finite but no date was a 500.
    await h.call(identity, 'GET', `/api/v1/credentials?cursor=${Buffer.from(JSON.stringify({ createdAt: 1e300, id: 'x' })).toString('base64url')}`).expect(400);
    await h.call(identity, 'GET', '/api/v1/credentials?limit=0').expect(400);
    await h.call(identity, 'GET', '/api/v1/credentials?name[$ne]=x').expect(400);
  });

  it('keeps every route inside the caller’s account', async () => {
    const owner = testIdentity();
    const other = testIdentity();
    const { id } = (await h.call(owner, 'POST', '/api/v1/credentials', bodies.smpp()).expect(201)).body.data;
    for (const key of [id, 'sms-primary']) {
      await h.call(other, 'GET', `/api/v1/credentials/${key}`).expect(404);
      await h.call(other, 'PATCH', `/api/v1/credentials/${key}`, { name: 'hijacked' }).expect(404);
      await h.call(other, 'POST', `/api/v1/credentials/${key}/reveal`).expect(404);
      await h.call(other, 'DELETE', `/api/v1/credentials/${key}`).expect(404);
      const service = testIdentity({ kind: 'service', accountId: other.accountId, name: 'sms-sender', tokenId: undefined, tokenType: undefined });
      await h.readSecrets(service, 'GET', `/internal/v1/credentials/${key}/secrets`).expect(404);
    }
    expect((await h.call(other, 'GET', '/api/v1/credentials').expect(200)).body.data).toEqual([]);
    const mine = await h.call(owner, 'GET', '/api/v1/credentials/sms-primary').expect(200);
    expect(mine.body.data.name).toBe('Primary SMS route');
  });

  it('enforces scopes: read, write, and reveal only with credentials:reveal', async () => {
    const identity = testIdentity();
    await h.call(identity, 'POST', '/api/v1/credentials', bodies.smpp()).expect(201);
    const readOnly = withScopes(identity, ['credentials:read']);
    await h.call(readOnly, 'GET', '/api/v1/credentials/sms-primary').expect(200);
    await h.call(readOnly, 'PATCH', '/api/v1/credentials/sms-primary', { name: 'nope' }).expect(403);
    await h.call(readOnly, 'DELETE', '/api/v1/credentials/sms-primary').expect(403);
    const denied = await h.call(withScopes(identity, ['credentials:read', 'credentials:write']), 'POST', '/api/v1/credentials/sms-primary/reveal').expect(403);
    expect(denied.body.detail).toContain('credentials:reveal');
    await h.call(withScopes(identity, ['tokens:read']), 'GET', '/api/v1/credentials').expect(403);
    await h.call(withScopes(identity, ['credentials:reveal']), 'POST', '/api/v1/credentials/sms-primary/reveal').expect(200);
  });

  it('reveals for a signed internal service, audited with the service as actor', async () => {
    const identity = testIdentity();
    const body = bodies.smpp();
    const { id } = (await h.call(identity, 'POST', '/api/v1/credentials', body).expect(201)).body.data;
    // The gateway is not a secrets reader, whatever identity it carries; a reader acts as a service, never as a token.
    await h.call(identity, 'GET', `/internal/v1/credentials/${id}/secrets`).expect(401);
    await h.readSecrets(identity, 'GET', `/internal/v1/credentials/${id}/secrets`).expect(403);
    const service = testIdentity({ kind: 'service', accountId: identity.accountId, name: 'sms-sender', tokenId: undefined, tokenType: undefined, scopes: [] });
    await h.call(service, 'GET', '/internal/v1/credentials/sms-primary/secrets').expect(401);
    const res = await h.readSecrets(service, 'GET', '/internal/v1/credentials/sms-primary/secrets').expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body.data).toEqual({ id, moniker: 'sms-primary', type: 'smpp', properties: body.properties, secrets: body.secrets });
    const reveal = (await h.events()).find((event) => event.objectId === id && event.auditType === 'Revealed');
    expect(reveal).toMatchObject({ actor: { type: 'service', id: 'sms-sender', name: 'sms-sender' }, username: 'sms-sender', detail: { reveal: { fields: ['password'] } } });
    // Unsigned calls never get in.
    const { default: request } = await import('supertest');
    await request(h.app).get(`/internal/v1/credentials/${id}/secrets`).expect(401);
  });

  it('publishes exactly one event per change, then clears outboxes and tombstones', async () => {
    const identity = testIdentity();
    const { id } = (await h.call(identity, 'POST', '/api/v1/credentials', bodies['http-basic']()).expect(201)).body.data;
    await h.call(identity, 'PATCH', `/api/v1/credentials/${id}`, { properties: { username: 'ops' } }).expect(200);
    await h.call(identity, 'POST', `/api/v1/credentials/${id}/reveal`).expect(200);
    await h.call(identity, 'DELETE', `/api/v1/credentials/${id}`).expect(200);
    await h.relay.flush();
    await h.relay.flush();
    const events = (await h.events()).filter((event) => event.objectId === id);
    expect(events.map((event) => event.auditType).sort()).toEqual(['Created', 'Deleted', 'Revealed', 'Updated']);
    expect(new Set(events.map((event) => event.id)).size).toBe(4);
    expect(events.find((event) => event.auditType === 'Deleted')?.detail.delete?.prior).toMatchObject({ moniker: 'billing-webhook', secretFields: ['password'] });
    expect(await h.repository.model.countDocuments({ _id: id })).toBe(0);
    expect(await h.repository.model.countDocuments({ 'outbox.0': { $exists: true } })).toBe(0);
  });

  it('keeps one event per change under concurrent writes to one credential', async () => {
    const identity = testIdentity();
    const { id } = (await h.call(identity, 'POST', '/api/v1/credentials', bodies.smpp()).expect(201)).body.data;
    const patches = [1, 2, 3, 4].map((n) => h.call(identity, 'PATCH', `/api/v1/credentials/${id}`, { name: `concurrent ${n}` }));
    const reveals = Array.from({ length: 8 }, () => h.call(identity, 'POST', `/api/v1/credentials/${id}/reveal`));
    const responses = await Promise.all([...patches, ...reveals]);
    expect(responses.map((res) => res.status)).toEqual(Array(12).fill(200));
    const events = (await h.events()).filter((event) => event.objectId === id);
    const count = (type: string) => events.filter((event) => event.auditType === type).length;
    expect([count('Created'), count('Updated'), count('Revealed')]).toEqual([1, 4, 8]);
    expect(await h.repository.model.countDocuments({ _id: id, 'outbox.0': { $exists: true } })).toBe(0);
  });

  it('never lets a secret out: logs, stored documents outside ciphertexts, queue payloads', async () => {
    // Failures that echo input must not echo secrets either.
    const identity = testIdentity();
    await h.call(identity, 'POST', '/api/v1/credentials', { ...bodies.smpp(), secrets: { password: secret('toolong').padEnd(300, 'x') } }).expect(400);
    await h.call(identity, 'POST', '/api/v1/credentials', bodies.smpp()).expect(201);
    await h.call(identity, 'POST', '/api/v1/credentials', bodies.smpp()).expect(409);
    const events = await h.events();
    expect(events.length).toBeGreaterThan(20);
    const documents = await h.repository.model.collection.find({}).toArray();
    for (const document of documents) {
      for (const field of Object.values<any>(document.secrets ?? {})) {
        expect(Object.keys(field).sort()).toEqual(['ciphertext', 'iv', 'keyId', 'tag']);
      }
    }
    const logFile = process.env.WARDEN_TEST_LOG_FILE ?? '';
    expect(logFile).not.toBe('');
    const haystacks = {
      log: readFileSync(logFile, 'utf8'),
      documents: JSON.stringify(documents),
      events: JSON.stringify(events),
    };
    expect(haystacks.log).toContain('credential-service');
    expect(planted.length).toBeGreaterThan(20);
    for (const [where, text] of Object.entries(haystacks)) {
      const leaked = planted.filter((value) => text.includes(value));
      expect({ where, leaked }).toEqual({ where, leaked: [] });
    }
    for (const event of events) {
      const text = JSON.stringify(event);
      expect(text).not.toMatch(/ciphertext|"iv"|"tag"|••••/);
      // Every event is a valid change event, and the audit trail's redaction finds nothing to blank
      // in it: what changed (down to the secret field names) stays readable in the record.
      expect(changeEventSchema.parse(event)).toEqual(event);
      expect(redactSecrets(event.detail)).toEqual(event.detail);
    }
  });
});
