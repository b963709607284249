import { randomBytes } from 'node:crypto';
import { testIdentity } from '@warden/testing';
import { CredentialCipher, rekeyCredentials, type CredentialDocument } from '@warden/credentials-data-access';
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

describe('key rotation and rekey', () => {
  it('decrypts old ciphertexts with the old key until rekeyed, then everything is under the newest key', async () => {
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

    // Rotate: k2 becomes the newest key, k1 stays listed so old ciphertexts still open.
    const rotated = h.callOn(h.withKeys(`${k1},${k2}`));
    expect((await rotated(alice, 'POST', '/api/v1/credentials/one/reveal').expect(200)).body.data.secrets).toEqual({ password: secrets.one });
    const fresh = await create(alice, 'fresh', rotated);
    await rotated(alice, 'PATCH', '/api/v1/credentials/two', { name: 'two, renamed' }).expect(200);
    const stored = async (id: string) => (await h.repository.model.findById(id).lean<CredentialDocument>()) as CredentialDocument;
    expect(keyIdsOf(await stored(old[0]))).toEqual(['k1', 'k1']);
    expect(keyIdsOf(await stored(fresh))).toEqual(['k2', 'k2']);
    // Any write re-seals every field under the newest key.
    expect(keyIdsOf(await stored(old[1]))).toEqual(['k2', 'k2']);

    // Dropping k1 before the rekey makes the old credentials unreadable (a 500, never a secret).
    const onlyK2 = h.callOn(h.withKeys(k2));
    const broken = await onlyK2(alice, 'POST', '/api/v1/credentials/one/reveal').expect(500);
    expect(broken.body.errorId).toEqual(expect.any(String));
    expect(JSON.stringify(broken.body)).not.toContain(secrets.one);

    const cipher = CredentialCipher.fromEnv(`${k1},${k2}`);
    const progress: number[] = [];
    const result = await rekeyCredentials({ repository: h.repository, cipher, actor: operator, batchSize: 1, onProgress: ({ done }) => progress.push(done) });
    expect(result).toEqual({ keyId: 'k2', rekeyed: 2, skipped: 0, failed: [], remaining: 0 });
    expect(progress).toEqual([1, 2]);
    for (const id of [...old, fresh]) expect(keyIdsOf(await stored(id))).toEqual(['k2', 'k2']);
    // Idempotent: nothing left to do.
    expect(await rekeyCredentials({ repository: h.repository, cipher, actor: operator })).toMatchObject({ rekeyed: 0, remaining: 0 });

    // Now k1 can go: every credential opens with k2 alone, and none with k1 alone.
    for (const [identity, moniker] of [[alice, 'one'], [alice, 'two'], [bob, 'three'], [alice, 'fresh']] as const) {
      const res = await onlyK2(identity, 'POST', `/api/v1/credentials/${moniker}/reveal`).expect(200);
      expect(res.body.data.secrets).toEqual({ password: secrets[moniker] });
    }
    await h.callOn(h.withKeys(k1))(alice, 'POST', '/api/v1/credentials/one/reveal').expect(500);

    // One audit event per re-encrypted credential, naming the key ids and nothing secret.
    const rekeyEvents = (await h.events()).filter((event) => event.actor.type === 'operator');
    expect(rekeyEvents.map((event) => event.objectId).sort()).toEqual([old[0], old[2]].sort());
    for (const event of rekeyEvents) {
      expect(event).toMatchObject({ auditType: 'Updated', objectType: 'Credential', actor: operator, remoteIp: null });
      expect(event.detail.update).toEqual({ prior: { encryptionKeyId: 'k1', secretsVersion: 1 }, after: { encryptionKeyId: 'k2', secretsVersion: 2 } });
      const text = JSON.stringify(event);
      for (const value of Object.values(secrets)) expect(text).not.toContain(value);
      expect(text).not.toMatch(/ciphertext|••••/);
      expect(redactSecrets(event.detail)).toEqual(event.detail);
    }
  });

  it('reports a credential under an unknown key as failed and leaves it untouched', async () => {
    const identity = testIdentity();
    const k0 = `k0:${randomBytes(32).toString('base64')}`;
    const legacy = h.callOn(h.withKeys(k0));
    await legacy(identity, 'POST', '/api/v1/credentials', { name: 'legacy', moniker: 'legacy', type: 'api-key', properties: { headerName: 'X-Key' }, secrets: { key: 'legacy-key-123' } }).expect(201);
    const result = await rekeyCredentials({ repository: h.repository, cipher: CredentialCipher.fromEnv(`${k1},${k2}`), actor: operator });
    expect(result).toMatchObject({ rekeyed: 0, remaining: 1, failed: [{ id: expect.any(String), reason: "encryption key 'k0' is not configured" }] });
    expect((await legacy(identity, 'POST', '/api/v1/credentials/legacy/reveal').expect(200)).body.data.secrets).toEqual({ key: 'legacy-key-123' });
  });
});
