import { randomBytes } from 'node:crypto';
import { CredentialCipher, DEV_CREDENTIAL_ENCRYPTION_KEYS, parseEncryptionKeys } from './credential-cipher';

const keyOf = (id: string) => `${id}:${randomBytes(32).toString('base64')}`;
const context = { accountId: 'acc-1', credentialId: 'cred-1', field: 'password' };

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

  it('accepts the development key', () => {
    expect(parseEncryptionKeys(DEV_CREDENTIAL_ENCRYPTION_KEYS)).toHaveLength(1);
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
