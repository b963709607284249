import { randomBytes } from 'node:crypto';
import { CredentialCipher, DEV_CREDENTIAL_ENCRYPTION_KEYS, parseEncryptionKeys } from './credential-cipher';

const keyOf = (id: string) => `${id}:${randomBytes(32).toString('base64')}`;
const context = { accountId: 'acc-1', credentialId: 'cred-1', field: 'password' };

describe('parseEncryptionKeys', () => {
  it('reads a list, oldest first', () => {
    const keys = parseEncryptionKeys(`${keyOf('k1')}, ${keyOf('k2')}`);
    expect(keys.map((key) => key.id)).toEqual(['k1', 'k2']);
    expect(new CredentialCipher(keys).currentKeyId).toBe('k2');
  });

  it('accepts the development key', () => {
    expect(parseEncryptionKeys(DEV_CREDENTIAL_ENCRYPTION_KEYS)).toHaveLength(1);
  });

  it.each([
    ['', /at least one/],
    ['nokey', /keyId:base64key/],
    [`k1:${randomBytes(16).toString('base64')}`, /32 bytes/],
    [`${keyOf('k1')},${keyOf('k1')}`, /twice/],
    ['bad id!:abc', /keyId/],
  ])('refuses %p without echoing key material', (value, message) => {
    expect(() => parseEncryptionKeys(value)).toThrow(message);
    try {
      parseEncryptionKeys(value);
    } catch (error) {
      const material = value.split(',')[0].split(':')[1];
      if (material) expect((error as Error).message).not.toContain(material);
    }
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

  it('binds the ciphertext to account, credential and field', () => {
    const cipher = CredentialCipher.fromEnv(keyOf('k1'));
    const sealed = cipher.encrypt('s3cr3t', context);
    expect(() => cipher.decrypt(sealed, { ...context, accountId: 'acc-2' })).toThrow(/failed authentication/);
    expect(() => cipher.decrypt(sealed, { ...context, credentialId: 'cred-2' })).toThrow(/failed authentication/);
    expect(() => cipher.decrypt(sealed, { ...context, field: 'key' })).toThrow(/failed authentication/);
    expect(() => cipher.decrypt({ ...sealed, tag: Buffer.alloc(16).toString('base64') }, context)).toThrow(/failed authentication/);
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
