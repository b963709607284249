import { createCipheriv, randomBytes } from 'node:crypto';
import { CredentialCipher, DataKeyUnavailableError, SecretMismatchError, nextSecretsVersion, openField, parseEncryptionKeys, sealField, type EncryptedField } from './credential-cipher';

const keyOf = (id: string) => `${id}:${randomBytes(32).toString('base64')}`;
const context = { accountId: 'acc-1', credentialId: 'cred-1', field: 'password', secretsVersion: 1 };

/** The message parseEncryptionKeys refuses `value` with. */
function refusal(value: string): string {
  try {
    parseEncryptionKeys(value);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`parseEncryptionKeys accepted ${JSON.stringify(value)}`);
}

describe('parseEncryptionKeys', () => {
  it('reads a list, oldest first', () => {
    const keys = parseEncryptionKeys(`${keyOf('k1')}, ${keyOf('k2')}`);
    expect(keys.map((key) => key.id)).toEqual(['k1', 'k2']);
    expect(new CredentialCipher(keys).currentKeyId).toBe('k2');
  });

  // Every refused value but the empty one carries real key material (a bare key pasted without its
  // id, a short key, a key listed twice, a key under a bad id); none of it may reach the message.
  it.each([
    ['no key at all', '', /at least one/],
    ['a key without its id', randomBytes(32).toString('base64'), /keyId:base64key/],
    ['a 16-byte key', `k1:${randomBytes(16).toString('base64')}`, /32 bytes/],
    ['a key id twice', `${keyOf('k1')},${keyOf('k1')}`, /twice/],
    ['a bad key id', `bad id!:${randomBytes(32).toString('base64')}`, /keyId/],
  ])('refuses %s without echoing key material', (_case, value, message) => {
    const refused = refusal(value);
    expect(refused).toMatch(message);
    // No run of base64 long enough to be (part of) a key, and no part of what was given.
    expect(refused).not.toMatch(/[A-Za-z0-9+/]{16,}/);
    expect(value.split(/[,:]/).filter((part) => part.length >= 8 && refused.includes(part))).toEqual([]);
  });
});

describe('CredentialCipher', () => {
  it('round-trips with a fresh IV each time', () => {
    const cipher = CredentialCipher.fromEnv(keyOf('k1'));
    const a = cipher.encrypt('s3cr3t', context);
    const b = cipher.encrypt('s3cr3t', context);
    expect(a.iv).not.toBe(b.iv);
    expect(a.ciphertext).not.toBe(b.ciphertext);
    expect(a.keyId).toBe('k1');
    expect(cipher.decrypt(a, context)).toBe('s3cr3t');
  });

  it('binds the ciphertext to account, credential, field and secrets version', () => {
    const cipher = CredentialCipher.fromEnv(keyOf('k1'));
    const sealed = cipher.encrypt('s3cr3t', context);
    expect(() => cipher.decrypt(sealed, { ...context, accountId: 'acc-2' })).toThrow(SecretMismatchError);
    expect(() => cipher.decrypt(sealed, { ...context, credentialId: 'cred-2' })).toThrow(SecretMismatchError);
    expect(() => cipher.decrypt(sealed, { ...context, field: 'key' })).toThrow(SecretMismatchError);
    expect(() => cipher.decrypt(sealed, { ...context, secretsVersion: 2 })).toThrow(SecretMismatchError);
    expect(() => cipher.decrypt({ ...sealed, tag: Buffer.alloc(16).toString('base64') }, context)).toThrow(SecretMismatchError);
  });

  it('opens old ciphertexts with an older key and seals with the newest', () => {
    const k1 = keyOf('k1');
    const old = CredentialCipher.fromEnv(k1).encrypt('s3cr3t', context);
    const rotated = CredentialCipher.fromEnv(`${k1},${keyOf('k2')}`);
    expect(rotated.decrypt(old, context)).toBe('s3cr3t');
    expect(rotated.encrypt('s3cr3t', context).keyId).toBe('k2');
    expect(() => CredentialCipher.fromEnv(keyOf('k3')).decrypt(old, context)).toThrow(/'k1' is not configured/);
  });
});

/** A field as credentials were sealed before secrets versions existed: AAD v1, no version. */
function sealV1(key: string, plaintext: string, { accountId, credentialId, field }: { accountId: string; credentialId: string; field: string }): EncryptedField {
  const [keyId, material] = key.split(':');
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(material, 'base64'), iv);
  cipher.setAAD(Buffer.from(JSON.stringify(['warden.credential.v1', accountId, credentialId, field]), 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return { ciphertext: ciphertext.toString('base64'), iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), keyId };
}

describe('secrets versions', () => {
  const key = keyOf('k1');
  const cipher = CredentialCipher.fromEnv(key);

  it('numbers the writes of a credential from 1', () => {
    expect(nextSecretsVersion(undefined)).toBe(1);
    expect(nextSecretsVersion(1)).toBe(2);
    expect(nextSecretsVersion(41)).toBe(42);
  });

  it('refuses a field put back from an older write of the same credential, saying so without material', () => {
    const older = cipher.encrypt('old-s3cr3t', { ...context, secretsVersion: 3 });
    const current = cipher.encrypt('new-s3cr3t', { ...context, secretsVersion: 4 });
    expect(cipher.decrypt(current, { ...context, secretsVersion: 4 })).toBe('new-s3cr3t');
    let refused: unknown;
    try {
      cipher.decrypt(older, { ...context, secretsVersion: 4 });
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(SecretMismatchError);
    expect(refused).toMatchObject({ credentialId: 'cred-1', field: 'password' });
    const message = (refused as Error).message;
    expect(message).toBe("the stored secret 'password' does not match credential cred-1: it was tampered with or rolled back to an older value");
    for (const part of [older.ciphertext, older.tag, older.iv, 'old-s3cr3t']) expect(message).not.toContain(part);
  });

  it('opens a field sealed before versions only while its credential has no version', () => {
    const legacy = sealV1(key, 'v1-s3cr3t', context);
    expect(cipher.decrypt(legacy, { ...context, secretsVersion: undefined })).toBe('v1-s3cr3t');
    // Once the credential carries a version, no v1 field opens under any version.
    for (const secretsVersion of [1, 2, 99]) expect(() => cipher.decrypt(legacy, { ...context, secretsVersion })).toThrow(SecretMismatchError);
    // And a versioned field never opens as a v1 one (a version removed from the document).
    expect(() => cipher.decrypt(cipher.encrypt('v2-s3cr3t', context), { ...context, secretsVersion: undefined })).toThrow(SecretMismatchError);
    expect(cipher.decryptAll({ password: legacy }, { accountId: 'acc-1', credentialId: 'cred-1', secretsVersion: undefined })).toEqual({ password: 'v1-s3cr3t' });
  });

  it('seals only under a positive integer version, and treats any other stored version as a mismatch', () => {
    for (const secretsVersion of [0, -1, 1.5, Number.NaN]) expect(() => cipher.encrypt('s3cr3t', { ...context, secretsVersion })).toThrow(/positive integer/);
    const sealed = cipher.encrypt('s3cr3t', context);
    for (const secretsVersion of [0, '1', null] as unknown as number[]) expect(() => cipher.decrypt(sealed, { ...context, secretsVersion })).toThrow(SecretMismatchError);
  });
});

describe('data keys', () => {
  const k1 = keyOf('k1');
  const bound = { accountId: 'acc-1', dataKeyId: 'dk-1' };

  it('wraps a data key under the newest ring key, bound to its account and id, and unwraps it with any listed key', () => {
    const material = randomBytes(32);
    const wrapped = CredentialCipher.fromEnv(k1).wrapDataKey(material, bound);
    expect(wrapped.keyId).toBe('k1');
    expect(Buffer.from(wrapped.ciphertext, 'base64')).not.toEqual(material);
    const rotated = CredentialCipher.fromEnv(`${k1},${keyOf('k2')}`);
    expect(rotated.unwrapDataKey(wrapped, bound)).toEqual(material);
    expect(rotated.wrapDataKey(material, bound).keyId).toBe('k2');
    expect(() => rotated.unwrapDataKey(wrapped, { ...bound, accountId: 'acc-2' })).toThrow(DataKeyUnavailableError);
    expect(() => rotated.unwrapDataKey(wrapped, { ...bound, dataKeyId: 'dk-2' })).toThrow(DataKeyUnavailableError);
    expect(() => CredentialCipher.fromEnv(keyOf('k3')).unwrapDataKey(wrapped, bound)).toThrow(/'k1' is not configured/);
  });

  it('says why a data key cannot be used, naming the account and no material', () => {
    const material = randomBytes(32);
    const wrapped = CredentialCipher.fromEnv(k1).wrapDataKey(material, bound);
    let refused: unknown;
    try {
      CredentialCipher.fromEnv(k1).unwrapDataKey({ ...wrapped, tag: Buffer.alloc(16).toString('base64') }, bound);
    } catch (error) {
      refused = error;
    }
    expect(refused).toMatchObject({ accountId: 'acc-1', reason: 'mismatch' });
    for (const part of [wrapped.ciphertext, wrapped.iv, material.toString('base64'), material.toString('hex')]) expect((refused as Error).message).not.toContain(part);
    expect(new DataKeyUnavailableError('acc-1', 'destroyed', 'its credentials').message).toBe('the data key of account acc-1 was destroyed (or is missing): its credentials can no longer be decrypted');
  });

  it('seals fields under a data key with the same binding as under a ring key', () => {
    const dataKey = randomBytes(32);
    const sealed = sealField(dataKey, 'dk:dk-1', 's3cr3t', context);
    expect(sealed.keyId).toBe('dk:dk-1');
    expect(openField(dataKey, sealed, context)).toBe('s3cr3t');
    expect(() => openField(dataKey, sealed, { ...context, accountId: 'acc-2' })).toThrow(SecretMismatchError);
    expect(() => openField(dataKey, sealed, { ...context, secretsVersion: 2 })).toThrow(SecretMismatchError);
    expect(() => openField(randomBytes(32), sealed, context)).toThrow(SecretMismatchError);
  });
});
