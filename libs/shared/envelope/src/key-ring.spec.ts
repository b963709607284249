import { randomBytes } from 'node:crypto';
import { DataKeyUnavailableError, KeyRing, SealMismatchError, openValue, parseEncryptionKeys, sealValue } from './key-ring';

const keyOf = (id: string) => `${id}:${randomBytes(32).toString('base64')}`;

describe('KeyRing', () => {
  it('wraps a data key that only a ring with the same label, account and data key id unwraps', () => {
    const keys = parseEncryptionKeys(`${keyOf('k1')},${keyOf('k2')}`);
    const ring = new KeyRing(keys, { dataKeyLabel: 'warden.a-data-key.v1' });
    const material = randomBytes(32);
    const bound = { accountId: 'acc-1', dataKeyId: 'dk-1' };
    const wrapped = ring.wrapDataKey(material, bound);
    expect(wrapped.keyId).toBe('k2');
    expect(ring.unwrapDataKey(wrapped, bound).equals(material)).toBe(true);
    expect(() => ring.unwrapDataKey(wrapped, { ...bound, accountId: 'acc-2' })).toThrow(DataKeyUnavailableError);
    expect(() => new KeyRing(keys, { dataKeyLabel: 'warden.b-data-key.v1' }).unwrapDataKey(wrapped, bound)).toThrow(DataKeyUnavailableError);
  });

  it('opens with an older key it still lists, and names a key it lacks without echoing material', () => {
    const old = keyOf('k1');
    const sealed = sealValue(parseEncryptionKeys(old)[0].key, 'k1', 's3cr3t', Buffer.from('bound'));
    const rotated = new KeyRing(parseEncryptionKeys(`${old},${keyOf('k2')}`), { dataKeyLabel: 'x' });
    expect(openValue(rotated.keyOf(sealed.keyId), sealed, Buffer.from('bound')).toString()).toBe('s3cr3t');
    expect(() => openValue(rotated.keyOf(sealed.keyId), sealed, Buffer.from('other'))).toThrow(SealMismatchError);
    expect(() => new KeyRing(parseEncryptionKeys(keyOf('k3')), { dataKeyLabel: 'x' }).keyOf('k1')).toThrow("encryption key 'k1' is not configured");
  });

  it('says what a destroyed data key sealed', () => {
    expect(new DataKeyUnavailableError('acc-1', 'destroyed', 'its recoverable tokens').message).toBe(
      'the data key of account acc-1 was destroyed (or is missing): its recoverable tokens can no longer be decrypted',
    );
  });
});
