import { randomBytes, randomUUID } from 'node:crypto';
import { testIdentity } from '@warden/testing';
import {
  CredentialCipher,
  CredentialSealer,
  DataKeyUnavailableError,
  exclusiveWrite,
  type CredentialDocument,
  type DataKeyDocument,
} from '@warden/credentials-data-access';
import { startCredentialService, type Harness } from './test/credential-service-harness';

const k1 = `k1:${randomBytes(32).toString('base64')}`;
const ring = CredentialCipher.fromEnv(k1);
const DESTROYED = /^The secrets of credential [0-9a-f-]{36} cannot be read or written: the account's data key was destroyed, so no secret of the account can be decrypted by anyone any more\. Delete the credential\.$/;

let h: Harness;
beforeAll(async () => {
  h = await startCredentialService(k1);
});
afterAll(async () => {
  await h?.close();
});

/** The value, which the test has just made sure exists. */
function must<T>(value: T | null | undefined): T {
  if (value === null || value === undefined) throw new Error('expected a value');
  return value;
}
const dataKeys = () => h.mongo.collection<DataKeyDocument>('credential_data_keys');
const credentials = () => h.mongo.collection<CredentialDocument>('credentials');
const stored = async (id: string) => (await credentials().findOne({ _id: id })) as CredentialDocument;
const apiKey = (moniker: string, key: string) => ({ name: moniker, moniker, type: 'api-key', properties: { headerName: 'X-Key' }, secrets: { key } });
/** A fresh process's view: the same database and ring, nothing cached. */
const freshSealer = () => new CredentialSealer({ cipher: ring, repository: h.repository });

describe("accounts' data keys (envelope encryption)", () => {
  it('creates one data key per account, even when its first writes arrive at once on two replicas', async () => {
    const alice = testIdentity();
    const replica = h.callOn(h.withKeys(k1));
    const keys = Array.from({ length: 8 }, (_, i) => `key-${i}-${randomBytes(8).toString('hex')}`);
    const created = await Promise.all(keys.map((key, i) => (i % 2 === 0 ? h.call : replica)(alice, 'POST', '/api/v1/credentials', apiKey(`parallel-${i}`, key)).expect(201)));

    const stored = await dataKeys().find({ _id: alice.accountId }).toArray();
    expect(stored).toHaveLength(1);
    const keyId = `dk:${stored[0].dataKeyId}`;
    for (const [i, res] of created.entries()) {
      const document = await credentials().findOne({ _id: res.body.data.id });
      expect(document).toMatchObject({ keyId, secrets: { key: { keyId } } });
      // Both replicas read every credential, whichever sealed it.
      for (const call of [h.call, replica]) expect((await call(alice, 'POST', `/api/v1/credentials/parallel-${i}/reveal`).expect(200)).body.data.secrets).toEqual({ key: keys[i] });
    }
    // Later writes reuse it.
    await h.call(alice, 'POST', '/api/v1/credentials', apiKey('later', 'later-key-1')).expect(201);
    expect(await dataKeys().countDocuments({ _id: alice.accountId })).toBe(1);
  });

  it("seals two accounts' fields under different data keys, and stores each only wrapped, bound to its account", async () => {
    const bob = testIdentity();
    const carol = testIdentity();
    const bobId = (await h.call(bob, 'POST', '/api/v1/credentials', apiKey('mine', 'bob-key-123')).expect(201)).body.data.id;
    const carolId = (await h.call(carol, 'POST', '/api/v1/credentials', apiKey('mine', 'carol-key-123')).expect(201)).body.data.id;
    const [bobKey, carolKey] = [must(await dataKeys().findOne({ _id: bob.accountId })), must(await dataKeys().findOne({ _id: carol.accountId }))];
    expect(bobKey.dataKeyId).not.toBe(carolKey.dataKeyId);
    expect((await stored(bobId)).keyId).toBe(`dk:${bobKey.dataKeyId}`);
    expect((await stored(carolId)).keyId).toBe(`dk:${carolKey.dataKeyId}`);

    // The document holds the wrapping only: the ring's key id, IV, tag and 32 bytes of ciphertext, never the key.
    expect(Object.keys(bobKey).sort()).toEqual(['_id', 'createdAt', 'dataKeyId', 'destroyedAt', 'wrapped']);
    const bobWrapped = must(bobKey.wrapped);
    expect(Object.keys(bobWrapped).sort()).toEqual(['ciphertext', 'iv', 'keyId', 'tag']);
    expect(bobWrapped.keyId).toBe('k1');
    const plain = ring.unwrapDataKey(bobWrapped, { accountId: bob.accountId, dataKeyId: bobKey.dataKeyId });
    expect(plain).toHaveLength(32);
    const text = JSON.stringify(bobKey);
    for (const encoding of ['base64', 'hex', 'base64url'] as const) expect(text).not.toContain(plain.toString(encoding));

    // A wrapped key copied into another account's document (with its id, or keeping its own) does not open there.
    expect(() => ring.unwrapDataKey(bobWrapped, { accountId: carol.accountId, dataKeyId: bobKey.dataKeyId })).toThrow(DataKeyUnavailableError);
    for (const copy of [{ wrapped: bobKey.wrapped }, { wrapped: bobKey.wrapped, dataKeyId: bobKey.dataKeyId }]) {
      await exclusiveWrite(h.repository.dataKeys, () => dataKeys().updateOne({ _id: carol.accountId }, { $set: copy }));
      const refused = await h.callOn(h.withKeys(k1))(carol, 'POST', '/api/v1/credentials/mine/reveal').expect(500);
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(refused.body.detail).toMatch(/cannot be read or written: the account's stored data key does not open with the key ring \(it was tampered with or copied from another account\)\.$/);
      expect(JSON.stringify(refused.body)).not.toMatch(/bob-key-123|carol-key-123/);
    }
    await exclusiveWrite(h.repository.dataKeys, () => dataKeys().updateOne({ _id: carol.accountId }, { $set: { wrapped: carolKey.wrapped, dataKeyId: carolKey.dataKeyId } }));
    expect((await h.callOn(h.withKeys(k1))(carol, 'POST', '/api/v1/credentials/mine/reveal').expect(200)).body.data.secrets).toEqual({ key: 'carol-key-123' });
  });

  it('serves reads from its cache of unwrapped keys, not by unwrapping on every request', async () => {
    const dave = testIdentity();
    const app = h.withKeys(k1);
    const call = h.callOn(app);
    await call(dave, 'POST', '/api/v1/credentials', apiKey('cached', 'dave-key-123')).expect(201);
    // With the stored wrapping gone, the process that holds the key unwrapped still reads; a fresh one cannot.
    const saved = must(await dataKeys().findOne({ _id: dave.accountId }));
    await exclusiveWrite(h.repository.dataKeys, () => dataKeys().updateOne({ _id: dave.accountId }, { $set: { 'wrapped.tag': Buffer.alloc(16).toString('base64') } }));
    expect((await call(dave, 'POST', '/api/v1/credentials/cached/reveal').expect(200)).body.data.secrets).toEqual({ key: 'dave-key-123' });
    await h.callOn(h.withKeys(k1))(dave, 'POST', '/api/v1/credentials/cached/reveal').expect(500);
    await exclusiveWrite(h.repository.dataKeys, () => dataKeys().replaceOne({ _id: dave.accountId }, saved));
  });

  it('destroys an account data key in the repository: nobody holding the key ring can decrypt its credentials any more, ring-sealed ones included', async () => {
    const erin = testIdentity();
    const erinId = (await h.call(erin, 'POST', '/api/v1/credentials', apiKey('shredded', 'erin-key-123')).expect(201)).body.data.id;
    // A credential sealed directly under the ring, before data keys existed.
    const legacyId = randomUUID();
    const now = new Date();
    await exclusiveWrite(h.repository.model, () =>
      credentials().insertOne({
        _id: legacyId, accountId: erin.accountId, name: 'legacy', moniker: 'legacy', type: 'api-key', properties: { headerName: 'X-Key' },
        secrets: ring.encryptAll({ key: 'erin-legacy-123' }, { accountId: erin.accountId, credentialId: legacyId, secretsVersion: 1 }),
        hints: { key: '••••23' }, keyId: 'k1', secretsVersion: 1, version: 0, createdAt: now, updatedAt: now, deletedAt: null, outbox: [],
      }),
    );
    expect(await freshSealer().openAll((await stored(legacyId)).secrets, { accountId: erin.accountId, credentialId: legacyId, secretsVersion: 1 })).toEqual({ key: 'erin-legacy-123' });
    const { dataKeyId } = must(await dataKeys().findOne({ _id: erin.accountId }));

    expect(await h.repository.destroyDataKey(erin.accountId)).toBe(true);
    expect(await h.repository.destroyDataKey(erin.accountId)).toBe(false);
    const tombstone = must(await dataKeys().findOne({ _id: erin.accountId }));
    expect(tombstone).toEqual({ _id: erin.accountId, dataKeyId, createdAt: expect.any(Date), destroyedAt: expect.any(Date) });
    for (const id of [erinId, legacyId]) {
      const document = await stored(id);
      expect(document.keyId).toBe(`dk:${dataKeyId}`);
      const context = { accountId: erin.accountId, credentialId: id, secretsVersion: document.secretsVersion };
      await expect(freshSealer().openAll(document.secrets, context)).rejects.toThrow(DataKeyUnavailableError);
      // Not with the ring directly either: the legacy ciphertext is gone.
      expect(() => ring.decryptAll(document.secrets, context)).toThrow();
      expect(JSON.stringify(document)).not.toMatch(/erin-(legacy|key)-123/);
    }

    // Through the service (a replica that never cached the key): a clear problem, never the secret.
    const replica = h.callOn(h.withKeys(k1));
    for (const moniker of ['shredded', 'legacy']) {
      const refused = await replica(erin, 'POST', `/api/v1/credentials/${moniker}/reveal`).expect(500);
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(refused.body.detail).toMatch(DESTROYED);
      expect(refused.body).not.toHaveProperty('stack');
      expect(JSON.stringify(refused.body)).not.toMatch(/erin-(legacy|key)-123/);
    }
    // No new key comes back for the account: writes of secrets are refused too; metadata and delete still work.
    expect((await replica(erin, 'POST', '/api/v1/credentials', apiKey('another', 'erin-new-123')).expect(500)).body.detail).toMatch(/^No secret can be stored for this account: the account's data key was destroyed/);
    expect((await replica(erin, 'PATCH', '/api/v1/credentials/shredded', { secrets: { key: 'erin-new-123' } }).expect(500)).body.detail).toMatch(DESTROYED);
    expect(await dataKeys().findOne({ _id: erin.accountId })).toEqual(tombstone);
    await replica(erin, 'GET', '/api/v1/credentials/shredded').expect(200);
    await replica(erin, 'DELETE', '/api/v1/credentials/shredded').expect(200);
  });

  it("destroys a data key through the service's sealer, which forgets it at once", async () => {
    const frank = testIdentity();
    await h.call(frank, 'POST', '/api/v1/credentials', apiKey('gone', 'frank-key-123')).expect(201);
    expect((await h.call(frank, 'POST', '/api/v1/credentials/gone/reveal').expect(200)).body.data.secrets).toEqual({ key: 'frank-key-123' });
    expect(await h.sealer.destroyDataKey(frank.accountId)).toBe(true);
    const refused = await h.call(frank, 'POST', '/api/v1/credentials/gone/reveal').expect(500);
    expect(refused.body.detail).toMatch(DESTROYED);
    // Nothing was revealed, so nothing is recorded as revealed after the destruction.
    const reveals = (await h.events()).filter((event) => event.accountId === frank.accountId && event.auditType === 'Revealed');
    expect(reveals).toHaveLength(1);
    for (const event of await h.events()) expect(JSON.stringify(event)).not.toMatch(/frank-key-123|wrapped/);
  });

  it('leaves a tombstone for an account that had no data key yet, so none is created for it later', async () => {
    const grace = testIdentity();
    expect(await h.repository.destroyDataKey(grace.accountId)).toBe(false);
    expect((await h.call(grace, 'POST', '/api/v1/credentials', apiKey('never', 'grace-key-123')).expect(500)).body.detail).toMatch(/^No secret can be stored for this account: the account's data key was destroyed/);
    expect(await credentials().countDocuments({ accountId: grace.accountId })).toBe(0);
  });
});
