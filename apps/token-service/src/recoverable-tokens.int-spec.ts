import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Job, JobType } from 'bullmq';
import request from 'supertest';
import type { SignedChangeEvent } from '@warden/contracts-events';
import { DataKeyStore, dataKeyModel } from '@warden/envelope';
import { eventually } from '@warden/testing';
import { TokenKeyRing, TokenSecretSealer, tokenDataKeyStore, type ApiTokenDoc } from '@warden/tokens-data-access';
// Recoverable tokens through the real gateway in front of the real token service.
import { bootstrapToken, startGateway, type GatewayHarness } from '../../gateway/src/test/gateway-harness';
import { startTokenService, type TokenServiceHarness } from './test/token-service-harness';

const JOB_STATES: JobType[] = ['waiting', 'active', 'completed', 'failed', 'delayed', 'prioritized'];
const NOT_RECOVERABLE = 'This API token is not recoverable; its secret was shown once at creation.';

let svc: TokenServiceHarness;
let server: Server;
let gateway: GatewayHarness;
let tokenServiceUrl: string;
/** An account's first token (every scope) and another account's. */
let admin: { id: string; secret: string; accountId: string };
let stranger: { id: string; secret: string; accountId: string };
const secrets: string[] = [];

const as = (secret: string) => ({
  get: (path: string) => request(gateway.url).get(path).set('Authorization', `Bearer ${secret}`),
  post: (path: string, body?: object) => request(gateway.url).post(path).set('Authorization', `Bearer ${secret}`).send(body),
  patch: (path: string, body: object) => request(gateway.url).patch(path).set('Authorization', `Bearer ${secret}`).send(body),
  delete: (path: string) => request(gateway.url).delete(path).set('Authorization', `Bearer ${secret}`),
});

async function create(body: Record<string, unknown>, secret = admin.secret): Promise<{ id: string; token: string; recoverable: boolean }> {
  const res = await as(secret).post('/api/v1/apitokens', body);
  expect(res.status).toBe(201);
  secrets.push(res.body.data.token);
  return res.body.data;
}

const reveal = (id: string, secret = admin.secret) => as(secret).post(`/api/v1/apitokens/${id}/reveal`);
const stored = async (id: string) => (await svc.models.apiTokens.findById(id).lean<ApiTokenDoc>()) as ApiTokenDoc;
const storedJobs = async (): Promise<Job<SignedChangeEvent>[]> => svc.queue.getJobs(JOB_STATES);

beforeAll(async () => {
  svc = await startTokenService();
  server = svc.app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  tokenServiceUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  gateway = await startGateway(tokenServiceUrl);
  admin = await bootstrapToken(tokenServiceUrl);
  stranger = await bootstrapToken(tokenServiceUrl);
  secrets.push(admin.secret, stranger.secret);
});
afterAll(async () => {
  await gateway?.close();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await svc?.close();
});

describe('recoverable tokens', () => {
  it('keeps recoverable and shown-once tokens side by side: the view says which, never with a secret', async () => {
    const recoverable = await create({ name: 'support', scopes: ['credentials:read'], recoverable: true });
    const plain = await create({ name: 'plain', scopes: ['credentials:read'] });
    expect([recoverable.recoverable, plain.recoverable]).toEqual([true, false]);
    expect((await as(admin.secret).get(`/api/v1/apitokens/${recoverable.id}`)).body.data).toMatchObject({ recoverable: true });
    const listed = (await as(admin.secret).get('/api/v1/apitokens?limit=200')).body.data as { id: string; recoverable: boolean }[];
    expect(listed.filter((token) => [recoverable.id, plain.id].includes(token.id)).map((token) => [token.id, token.recoverable])).toEqual(
      expect.arrayContaining([
        [recoverable.id, true],
        [plain.id, false],
      ]),
    );
    const listing = JSON.stringify(listed);
    expect(listing).not.toContain(recoverable.token);
    expect(listing).not.toMatch(/wdn_[0-9A-Za-z]{36}/);
    // Only the recoverable one keeps anything beside its hash.
    expect((await stored(plain.id)).sealedSecret).toBeUndefined();
    expect((await stored(recoverable.id)).sealedSecret).toMatchObject({ keyId: expect.stringMatching(/^dk:/) });
  });

  it('reveals exactly the secret that authenticates, and records the reveal without it', async () => {
    const created = await create({ name: 'integration', scopes: ['audit:read'], recoverable: true });
    const res = await reveal(created.id);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true, messages: ['This reveal has been recorded in the audit trail.'], data: { id: created.id, token: created.token } });
    expect((await as(res.body.data.token).get('/api/v1/apitokens/verify')).status).toBe(200);

    const mine = await eventually(
      async () => (await storedJobs()).filter((job) => job.data.event.objectId === created.id),
      (found) => found.some((job) => job.data.event.auditType === 'Revealed'),
    );
    const revealed = mine.find((job) => job.data.event.auditType === 'Revealed')?.data.event;
    expect(revealed).toMatchObject({ accountId: admin.accountId, objectType: 'ApiToken', actor: { type: 'token', id: admin.id } });
    const createdEvent = mine.find((job) => job.data.event.auditType === 'Created')?.data.event;
    expect(createdEvent?.detail.create?.after).toMatchObject({ recoverable: true });
    for (const job of mine) expect(JSON.stringify(job.data)).not.toContain(created.token);
  });

  it('answers 409 for a token whose secret was shown once', async () => {
    const plain = await create({ name: 'shown-once' });
    const res = await reveal(plain.id);
    expect(res.status).toBe(409);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 409, title: 'Conflict', detail: NOT_RECOVERABLE });
  });

  it('refuses a token without tokens:reveal with 403, and one that holds less than the target on any axis', async () => {
    const target = await create({ name: 'wide', scopes: ['credentials:read', 'audit:read'], recoverable: true });
    const noScope = await create({ name: 'no-reveal', scopes: ['tokens:read', 'tokens:write', 'credentials:read', 'audit:read'] });
    const forbidden = await reveal(target.id, noScope.token);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.detail).toMatch(/tokens:reveal/);
    const narrow = await create({ name: 'narrow-revealer', scopes: ['tokens:reveal', 'credentials:read'] });
    const broader = await reveal(target.id, narrow.token);
    expect(broader.status).toBe(403);
    expect(broader.body.errors).toEqual([expect.objectContaining({ path: 'token.scopes' })]);
    expect(JSON.stringify(broader.body)).not.toContain(target.token);
  });

  it('lets a recoverable token reveal itself', async () => {
    const self = await create({ name: 'self', scopes: ['tokens:reveal'], recoverable: true });
    const res = await reveal(self.id, self.token);
    expect(res.status).toBe(200);
    expect(res.body.data.token).toBe(self.token);
  });

  it('answers 404 for another account’s token, a revoked one and an id that is not a UUID', async () => {
    const target = await create({ name: 'mine', recoverable: true });
    expect((await reveal(target.id, stranger.secret)).status).toBe(404);
    expect((await reveal('not-a-uuid')).status).toBe(404);
    expect((await as(admin.secret).delete(`/api/v1/apitokens/${target.id}`)).status).toBe(200);
    expect((await reveal(target.id)).status).toBe(404);
    // The tombstone, while it lasts, no longer holds the sealed secret.
    const tombstone = await svc.models.apiTokens.findById(target.id).lean<ApiTokenDoc>();
    expect(tombstone?.sealedSecret ?? undefined).toBeUndefined();
  });

  it('reveals the new secret after a rotation, and the old one no longer authenticates', async () => {
    const created = await create({ name: 'rotating', scopes: ['audit:read'], recoverable: true });
    const rotated = await as(admin.secret).post(`/api/v1/apitokens/${created.id}/rotate`, {});
    expect(rotated.status).toBe(200);
    secrets.push(rotated.body.data.token);
    expect(rotated.body.data.recoverable).toBe(true);
    const res = await reveal(created.id);
    expect(res.body.data.token).toBe(rotated.body.data.token);
    expect((await as(created.token).get('/api/v1/apitokens/verify')).status).toBe(401);
    expect((await as(res.body.data.token).get('/api/v1/apitokens/verify')).status).toBe(200);
  });

  it('cannot be turned on after creation', async () => {
    const plain = await create({ name: 'later' });
    const res = await as(admin.secret).patch(`/api/v1/apitokens/${plain.id}`, { recoverable: true });
    expect(res.status).toBe(400);
    expect((await stored(plain.id)).sealedSecret).toBeUndefined();
  });

  it('can be turned off: the sealed secret is erased for good, the token keeps working, and the change is audited', async () => {
    const created = await create({ name: 'turned-off', scopes: ['audit:read'], recoverable: true });
    const res = await as(admin.secret).patch(`/api/v1/apitokens/${created.id}`, { recoverable: false });
    expect(res.status).toBe(200);
    expect(res.body.data.recoverable).toBe(false);
    expect((await stored(created.id)).sealedSecret).toBeNull();
    expect((await reveal(created.id)).status).toBe(409);
    expect((await as(created.token).get('/api/v1/apitokens/verify')).status).toBe(200);
    // Rotating it later seals nothing either.
    const rotated = await as(admin.secret).post(`/api/v1/apitokens/${created.id}/rotate`, {});
    secrets.push(rotated.body.data.token);
    expect(rotated.body.data.recoverable).toBe(false);
    expect((await stored(created.id)).sealedSecret).toBeNull();
    // Turning off a token that is not recoverable changes nothing.
    expect((await as(admin.secret).patch(`/api/v1/apitokens/${created.id}`, { recoverable: false })).status).toBe(200);

    const updated = await eventually(
      async () => (await storedJobs()).filter((job) => job.data.event.objectId === created.id && job.data.event.auditType === 'Updated'),
      (found) => found.length > 0,
    );
    expect(updated).toHaveLength(1);
    expect(updated[0].data.event.detail.update).toEqual({
      prior: expect.objectContaining({ recoverable: true }),
      after: expect.objectContaining({ recoverable: false }),
    });
  });
});

describe('storage', () => {
  it('stores no plaintext: the sealed secret opens only with the token key ring and only for its own token', async () => {
    const created = await create({ name: 'at-rest', recoverable: true });
    const document = await svc.mongo.collection('api_tokens').findOne({ _id: created.id as any });
    expect(JSON.stringify(document)).not.toContain(created.token);
    expect(JSON.stringify(document)).not.toContain(created.token.slice(4));
    const dataKeys = await svc.mongo.collection('token_data_keys').find({ _id: admin.accountId as any }).toArray();
    expect(dataKeys).toHaveLength(1);
    expect(JSON.stringify(dataKeys)).not.toContain(created.token);

    const sealed = (await stored(created.id)).sealedSecret as NonNullable<ApiTokenDoc['sealedSecret']>;
    const ring = TokenKeyRing.fromEnv(svc.config.TOKEN_ENCRYPTION_KEYS);
    const sealer = new TokenSecretSealer({ ring, store: tokenDataKeyStore(svc.mongo) });
    expect(await sealer.open(admin.accountId, created.id, sealed)).toBe(created.token);
    // Copied onto another token, it does not open.
    await expect(sealer.open(admin.accountId, stranger.id, sealed)).rejects.toThrow('does not authenticate');
    // Another ring (the credential service's, or a guess) cannot unwrap the account's data key.
    const otherRing = new TokenSecretSealer({ ring: TokenKeyRing.fromEnv(`test-1:${randomBytes(32).toString('base64')}`), store: tokenDataKeyStore(svc.mongo) });
    await expect(otherRing.open(admin.accountId, created.id, sealed)).rejects.toThrow('does not open with the key ring');
  });

  it('still opens secrets sealed before the ring gained a newer key, and wraps new data keys under the newest', async () => {
    const older = `k1:${randomBytes(32).toString('base64')}`;
    const store = new DataKeyStore(dataKeyModel(svc.mongo, { modelName: 'RingRotationDataKey', collection: 'ring_rotation_data_keys' }));
    const before = new TokenSecretSealer({ ring: TokenKeyRing.fromEnv(older), store });
    const sealed = await before.seal('acc-ring', 'tok-ring', 'wdn_sealed-before-rotation');
    const after = new TokenSecretSealer({ ring: TokenKeyRing.fromEnv(`${older},k2:${randomBytes(32).toString('base64')}`), store });
    expect(await after.open('acc-ring', 'tok-ring', sealed)).toBe('wdn_sealed-before-rotation');
    await after.seal('acc-new', 'tok-new', 'wdn_sealed-after-rotation');
    expect((await store.findDataKey('acc-new'))?.wrapped?.keyId).toBe('k2');
    expect((await store.findDataKey('acc-ring'))?.wrapped?.keyId).toBe('k1');
  });
});

it('wrote no token secret to the log', () => {
  const log = readFileSync(process.env.WARDEN_TEST_LOG_FILE ?? '', 'utf8');
  expect(secrets.length).toBeGreaterThan(10);
  for (const secret of secrets) expect(log).not.toContain(secret);
});
