import { randomBytes, randomUUID } from 'node:crypto';
import { testIdentity } from '@warden/testing';
import { CredentialCipher, exclusiveWrite, rekeyCredentials, type CredentialDocument, type DataKeyDocument } from '@warden/credentials-data-access';
import { redactSecrets } from '@warden/audit-feature';
import { startCredentialService, type Harness } from './test/credential-service-harness';

const k1 = `k1:${randomBytes(32).toString('base64')}`;
const k2 = `k2:${randomBytes(32).toString('base64')}`;
const operator = { type: 'operator' as const, id: 'cli:test', name: 'operator' };

let h: Harness;
beforeAll(async () => {
  h = await startCredentialService(k1);
});
afterAll(async () => {
  await h?.close();
});

const keyIdsOf = (document: CredentialDocument) => [document.keyId, ...Object.values(document.secrets).map((field) => field.keyId)];
const stored = async (id: string) => (await h.repository.model.findById(id).lean<CredentialDocument>()) as CredentialDocument;
const dataKeyOf = async (accountId: string) => (await h.repository.findDataKey(accountId)) as DataKeyDocument;

/** A credential as the service stored it before data keys existed: its field sealed directly under the ring key `k1`. */
async function insertRingSealed(accountId: string, moniker: string, password: string): Promise<string> {
  const id = randomUUID();
  const now = new Date();
  const secrets = CredentialCipher.fromEnv(k1).encryptAll({ password }, { accountId, credentialId: id, secretsVersion: 1 });
  const document = { _id: id, accountId, name: moniker, moniker, type: 'http-basic', properties: { username: 'u' }, secrets, hints: { password: '••••' }, keyId: 'k1', secretsVersion: 1, version: 0, createdAt: now, updatedAt: now, deletedAt: null, outbox: [] };
  await exclusiveWrite(h.repository.model, () => h.repository.model.collection.insertOne(document as any));
  return id;
}

describe('key rotation and rekey', () => {
  it("re-wraps each account's data key under the newest ring key, migrates ring-sealed fields, and then the old ring key can go", async () => {
    const alice = testIdentity();
    const bob = testIdentity();
    const secrets: Record<string, string> = {};
    const create = async (identity: typeof alice, moniker: string, call = h.call) => {
      secrets[moniker] = `pw-${randomBytes(8).toString('hex')}`;
      const body = { name: moniker, moniker, type: 'http-basic', properties: { username: 'u' }, secrets: { password: secrets[moniker] } };
      return (await call(identity, 'POST', '/api/v1/credentials', body).expect(201)).body.data.id as string;
    };
    const old = [await create(alice, 'one'), await create(alice, 'two'), await create(bob, 'three')];
    await create(bob, 'doomed');
    await h.call(bob, 'DELETE', '/api/v1/credentials/doomed').expect(200);
    secrets.legacy = `pw-${randomBytes(8).toString('hex')}`;
    const legacy = await insertRingSealed(alice.accountId, 'legacy', secrets.legacy);

    // Each account's fields are sealed under its own data key, which the ring's k1 wraps.
    const [aliceKey, bobKey] = [await dataKeyOf(alice.accountId), await dataKeyOf(bob.accountId)];
    expect(aliceKey.wrapped?.keyId).toBe('k1');
    expect(bobKey.wrapped?.keyId).toBe('k1');
    expect(aliceKey.dataKeyId).not.toBe(bobKey.dataKeyId);
    expect(keyIdsOf(await stored(old[0]))).toEqual([`dk:${aliceKey.dataKeyId}`, `dk:${aliceKey.dataKeyId}`]);
    expect(keyIdsOf(await stored(old[2]))).toEqual([`dk:${bobKey.dataKeyId}`, `dk:${bobKey.dataKeyId}`]);
    // A field sealed directly under a ring key, before data keys, still opens.
    expect((await h.call(alice, 'POST', '/api/v1/credentials/legacy/reveal').expect(200)).body.data.secrets).toEqual({ password: secrets.legacy });

    // Rotate: k2 becomes the newest key, k1 stays listed so the data keys it wraps still open.
    const rotated = h.callOn(h.withKeys(`${k1},${k2}`));
    expect((await rotated(alice, 'POST', '/api/v1/credentials/one/reveal').expect(200)).body.data.secrets).toEqual({ password: secrets.one });
    const fresh = await create(alice, 'fresh', rotated);
    expect(keyIdsOf(await stored(fresh))).toEqual([`dk:${aliceKey.dataKeyId}`, `dk:${aliceKey.dataKeyId}`]);
    expect((await dataKeyOf(alice.accountId)).wrapped?.keyId).toBe('k1');

    // Dropping k1 before the rekey makes every credential unreadable (a 500, never a secret).
    const onlyK2 = h.callOn(h.withKeys(k2));
    const broken = await onlyK2(alice, 'POST', '/api/v1/credentials/one/reveal').expect(500);
    expect(broken.body.errorId).toEqual(expect.any(String));
    expect(JSON.stringify(broken.body)).not.toContain(secrets.one);

    const sealedPart = async (id: string) => (({ secrets, keyId, secretsVersion }) => ({ secrets, keyId, secretsVersion }))(await stored(id));
    const before = await Promise.all([...old, fresh].map(sealedPart));
    const cipher = CredentialCipher.fromEnv(`${k1},${k2}`);
    const progress: number[] = [];
    const result = await rekeyCredentials({ repository: h.repository, cipher, actor: operator, batchSize: 1, onProgress: ({ done }) => progress.push(done) });
    expect(result).toEqual({ keyId: 'k2', rekeyed: 1, skipped: 0, failed: [], remaining: 0, dataKeys: { rewrapped: 2, skipped: 0, failed: [], remaining: 0 } });
    expect(progress).toEqual([1]);
    // The data keys are the same keys, wrapped anew; the credentials under them are untouched.
    for (const [accountId, { dataKeyId, wrapped }] of [[alice.accountId, aliceKey], [bob.accountId, bobKey]] as const) {
      const rewrapped = await dataKeyOf(accountId);
      expect(rewrapped).toMatchObject({ dataKeyId, wrapped: { keyId: 'k2' } });
      expect(rewrapped.wrapped?.ciphertext).not.toBe(wrapped?.ciphertext);
    }
    expect(await Promise.all([...old, fresh].map(sealedPart))).toEqual(before);
    expect(keyIdsOf(await stored(legacy))).toEqual([`dk:${aliceKey.dataKeyId}`, `dk:${aliceKey.dataKeyId}`]);
    expect(await stored(legacy)).toMatchObject({ secretsVersion: 2 });
    // Idempotent: nothing left to do.
    expect(await rekeyCredentials({ repository: h.repository, cipher, actor: operator })).toEqual({
      keyId: 'k2', rekeyed: 0, skipped: 0, failed: [], remaining: 0, dataKeys: { rewrapped: 0, skipped: 0, failed: [], remaining: 0 },
    });

    // Now k1 can go: every credential opens with k2 alone, and none with k1 alone.
    for (const [identity, moniker] of [[alice, 'one'], [alice, 'two'], [bob, 'three'], [alice, 'fresh'], [alice, 'legacy']] as const) {
      const res = await onlyK2(identity, 'POST', `/api/v1/credentials/${moniker}/reveal`).expect(200);
      expect(res.body.data.secrets).toEqual({ password: secrets[moniker] });
    }
    await h.callOn(h.withKeys(k1))(alice, 'POST', '/api/v1/credentials/one/reveal').expect(500);

    // One audit event per re-sealed credential (the ring-sealed one), naming key ids and nothing secret.
    const rekeyEvents = (await h.events()).filter((event) => event.actor.type === 'operator');
    expect(rekeyEvents.map((event) => event.objectId)).toEqual([legacy]);
    for (const event of rekeyEvents) {
      expect(event).toMatchObject({ auditType: 'Updated', objectType: 'Credential', actor: operator, remoteIp: null });
      expect(event.detail.update).toEqual({ prior: { encryptionKeyId: 'k1', secretsVersion: 1 }, after: { encryptionKeyId: `dk:${aliceKey.dataKeyId}`, secretsVersion: 2 } });
      const text = JSON.stringify(event);
      for (const value of Object.values(secrets)) expect(text).not.toContain(value);
      expect(text).not.toMatch(/ciphertext|wrapped|••••/);
      expect(redactSecrets(event.detail)).toEqual(event.detail);
    }
  });

  it('reports a data key wrapped by a ring key that is not configured as failed and leaves it untouched', async () => {
    const identity = testIdentity();
    const k0 = `k0:${randomBytes(32).toString('base64')}`;
    const legacy = h.callOn(h.withKeys(k0));
    await legacy(identity, 'POST', '/api/v1/credentials', { name: 'legacy', moniker: 'legacy', type: 'api-key', properties: { headerName: 'X-Key' }, secrets: { key: 'legacy-key-123' } }).expect(201);
    const before = await dataKeyOf(identity.accountId);
    const result = await rekeyCredentials({ repository: h.repository, cipher: CredentialCipher.fromEnv(`${k1},${k2}`), actor: operator });
    expect(result).toMatchObject({ rekeyed: 0, remaining: 0, failed: [], dataKeys: { rewrapped: 0, remaining: 1, failed: [{ accountId: identity.accountId, reason: "encryption key 'k0' is not configured" }] } });
    expect(await dataKeyOf(identity.accountId)).toEqual(before);
    expect((await legacy(identity, 'POST', '/api/v1/credentials/legacy/reveal').expect(200)).body.data.secrets).toEqual({ key: 'legacy-key-123' });
  });
});
