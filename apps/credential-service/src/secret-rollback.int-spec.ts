import { createCipheriv, randomBytes, randomUUID } from 'node:crypto';
import { testIdentity } from '@warden/testing';
import { CredentialCipher, exclusiveWrite, rekeyCredentials, type CredentialDocument, type EncryptedField } from '@warden/credentials-data-access';
import { startCredentialService, type Harness } from './test/credential-service-harness';

const k1 = `k1:${randomBytes(32).toString('base64')}`;
const operator = { type: 'operator' as const, id: 'cli:test', name: 'operator' };
const MISMATCH = /^The stored secret 'key' of credential [0-9a-f-]{36} does not match its credential: it was tampered with or rolled back to an older value/;

let h: Harness;
beforeAll(async () => {
  h = await startCredentialService(k1);
});
afterAll(async () => {
  await h?.close();
});

const credentials = () => h.mongo.collection<CredentialDocument>('credentials');
const stored = async (id: string) => (await credentials().findOne({ _id: id })) as CredentialDocument;
/**
 * A direct write to the collection, serialised with the service's own writes (its outbox relay
 * among them): FerretDB v1 would otherwise let a concurrent update of the document undo it.
 */
const tamper = (id: string, set: Record<string, unknown>) => exclusiveWrite(h.repository.model, () => credentials().updateOne({ _id: id }, { $set: set }));
/** What a database writer does: put one field's stored value back, leaving the rest of the document as it is. */
const putBack = (id: string, field: string, value: EncryptedField) => tamper(id, { [`secrets.${field}`]: value });

/** A field sealed the way credentials were before secrets versions existed: AAD v1, no version. */
function sealV1(plaintext: string, accountId: string, credentialId: string, field: string): EncryptedField {
  const [keyId, material] = k1.split(':');
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(material, 'base64'), iv);
  cipher.setAAD(Buffer.from(JSON.stringify(['warden.credential.v1', accountId, credentialId, field]), 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return { ciphertext: ciphertext.toString('base64'), iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), keyId };
}

/** A credential as the service stored it before secrets versions: no `secretsVersion`, its field under the v1 binding. */
async function insertV1(accountId: string, moniker: string, key: string): Promise<string> {
  const id = randomUUID();
  const now = new Date();
  await exclusiveWrite(h.repository.model, () => credentials().insertOne({
    _id: id,
    accountId,
    name: moniker,
    moniker,
    type: 'api-key',
    properties: { headerName: 'X-Key' },
    secrets: { key: sealV1(key, accountId, id, 'key') },
    hints: { key: '••••' },
    keyId: 'k1',
    version: 3,
    createdAt: now,
    updatedAt: now,
    deletedAt: null,
    outbox: [],
  }));
  return id;
}

const apiKey = (moniker: string, key: string) => ({ name: moniker, moniker, type: 'api-key', properties: { headerName: 'X-Key' }, secrets: { key } });

describe('secret rollback', () => {
  it('refuses a secret that a database writer rolled back to an older ciphertext, with a clear 500 and nothing revealed', async () => {
    const alice = testIdentity();
    const first = `first-${randomBytes(8).toString('hex')}`;
    const second = `second-${randomBytes(8).toString('hex')}`;
    const { id } = (await h.call(alice, 'POST', '/api/v1/credentials', apiKey('rolled', first)).expect(201)).body.data;
    const untouched = `untouched-${randomBytes(8).toString('hex')}`;
    await h.call(alice, 'POST', '/api/v1/credentials', apiKey('untouched', untouched)).expect(201);
    const before = await stored(id);
    expect(before.secretsVersion).toBe(1);

    await h.call(alice, 'PATCH', '/api/v1/credentials/rolled', { secrets: { key: second } }).expect(200);
    const after = await stored(id);
    expect(after.secretsVersion).toBe(2);
    // The attack: the older value of the one field, taken from a backup or an earlier read.
    await putBack(id, 'key', before.secrets.key);

    const refused = await h.call(alice, 'POST', '/api/v1/credentials/rolled/reveal').expect(500);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.body.detail).toMatch(MISMATCH);
    expect(refused.body.detail).toContain(id);
    const service = testIdentity({ kind: 'service', accountId: alice.accountId, name: 'sms-sender', tokenId: undefined, tokenType: undefined, scopes: [] });
    const internal = await h.readSecrets(service, 'GET', '/internal/v1/credentials/rolled/secrets').expect(500);
    expect(internal.body.detail).toMatch(MISMATCH);
    for (const body of [refused.body, internal.body]) {
      const text = JSON.stringify(body);
      for (const leaked of [first, second, before.secrets.key.ciphertext, before.secrets.key.tag, after.secrets.key.ciphertext]) expect(text).not.toContain(leaked);
    }
    // Nothing left the service, so nothing was recorded as revealed.
    expect((await h.events()).filter((event) => event.objectId === id && event.auditType === 'Revealed')).toEqual([]);

    // The credential next to it is unaffected.
    expect((await h.call(alice, 'POST', '/api/v1/credentials/untouched/reveal').expect(200)).body.data.secrets).toEqual({ key: untouched });

    // A change that keeps the secret cannot merge it; one that sets every secret again repairs the credential.
    expect((await h.call(alice, 'PATCH', '/api/v1/credentials/rolled', { name: 'renamed' }).expect(500)).body.detail).toMatch(MISMATCH);
    const third = `third-${randomBytes(8).toString('hex')}`;
    await h.call(alice, 'PATCH', '/api/v1/credentials/rolled', { secrets: { key: third } }).expect(200);
    expect((await stored(id)).secretsVersion).toBe(3);
    expect((await h.call(alice, 'POST', '/api/v1/credentials/rolled/reveal').expect(200)).body.data.secrets).toEqual({ key: third });

    // Rolling the version back along with the field is restoring the secrets of the old copy as a
    // whole: it is consistent with itself and opens. Only the audit trail can show that.
    await tamper(id, { secrets: before.secrets, secretsVersion: before.secretsVersion });
    expect((await h.call(alice, 'POST', '/api/v1/credentials/rolled/reveal').expect(200)).body.data.secrets).toEqual({ key: first });
  });

  it('still reveals a credential written before secrets versions, migrates it on rekey, and then refuses its old v1 ciphertext', async () => {
    const bob = testIdentity();
    const legacyKey = `legacy-${randomBytes(8).toString('hex')}`;
    const id = await insertV1(bob.accountId, 'legacy', legacyKey);
    const v1Field = (await stored(id)).secrets.key;
    expect((await h.call(bob, 'POST', '/api/v1/credentials/legacy/reveal').expect(200)).body.data.secrets).toEqual({ key: legacyKey });

    // Under the newest ring key, yet still re-sealed: under its account's data key, with a secrets version.
    const cipher = CredentialCipher.fromEnv(k1);
    const result = await rekeyCredentials({ repository: h.repository, cipher, actor: operator });
    expect(result).toEqual({ keyId: 'k1', rekeyed: 1, skipped: 0, failed: [], remaining: 0, dataKeys: { rewrapped: 0, skipped: 0, failed: [], remaining: 0 } });
    const migrated = await stored(id);
    const dataKeyId = `dk:${(await h.repository.findDataKey(bob.accountId))?.dataKeyId}`;
    expect(migrated).toMatchObject({ keyId: dataKeyId, secretsVersion: 1, version: 4 });
    expect(migrated.secrets.key.ciphertext).not.toBe(v1Field.ciphertext);
    expect((await h.call(bob, 'POST', '/api/v1/credentials/legacy/reveal').expect(200)).body.data.secrets).toEqual({ key: legacyKey });
    const event = (await h.events()).find((e) => e.objectId === id && e.actor.type === 'operator');
    expect(event?.detail.update).toEqual({ prior: { encryptionKeyId: 'k1', secretsVersion: null }, after: { encryptionKeyId: dataKeyId, secretsVersion: 1 } });
    expect(await rekeyCredentials({ repository: h.repository, cipher, actor: operator })).toMatchObject({ rekeyed: 0, remaining: 0 });

    // The pre-migration ciphertext no longer opens in the migrated document.
    await putBack(id, 'key', v1Field);
    expect((await h.call(bob, 'POST', '/api/v1/credentials/legacy/reveal').expect(500)).body.detail).toMatch(MISMATCH);
    // Nor can a rekey launder it: the credential is under its account's data key, so a rotation
    // re-wraps that key and leaves the credential (and the field put back) as it is.
    const k2 = `k2:${randomBytes(32).toString('base64')}`;
    const rotated = CredentialCipher.fromEnv(`${k1},${k2}`);
    const again = await rekeyCredentials({ repository: h.repository, cipher: rotated, actor: operator });
    expect(again).toMatchObject({ rekeyed: 0, failed: [], dataKeys: { failed: [], remaining: 0 } });
    expect((await stored(id)).secrets.key).toEqual(v1Field);
    expect((await h.callOn(h.withKeys(`${k1},${k2}`))(bob, 'POST', '/api/v1/credentials/legacy/reveal').expect(500)).body.detail).toMatch(MISMATCH);
    await exclusiveWrite(h.repository.model, () => credentials().deleteOne({ _id: id }));
  });

  it('migrates a credential written before secrets versions on any change', async () => {
    const carol = testIdentity();
    const legacyKey = `legacy-${randomBytes(8).toString('hex')}`;
    const id = await insertV1(carol.accountId, 'older', legacyKey);
    const v1Field = (await stored(id)).secrets.key;
    await h.call(carol, 'PATCH', '/api/v1/credentials/older', { name: 'older, renamed' }).expect(200);
    expect(await stored(id)).toMatchObject({ secretsVersion: 1, version: 4 });
    expect((await h.call(carol, 'POST', '/api/v1/credentials/older/reveal').expect(200)).body.data.secrets).toEqual({ key: legacyKey });
    await putBack(id, 'key', v1Field);
    expect((await h.call(carol, 'POST', '/api/v1/credentials/older/reveal').expect(500)).body.detail).toMatch(MISMATCH);
  });
});
