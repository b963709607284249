import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { loadEnv } from './env';
import { generateInternalKey, internalKeysVariable, parseInternalKeys } from './internal-keys';

const material = (bytes = 32) => randomBytes(bytes).toString('base64url');

describe('INTERNAL_KEYS', () => {
  it('parses caller>audience:keyId:key entries, oldest first', () => {
    const keys = parseInternalKeys(`gateway>token-service:2026-01:${material()}, gateway>token-service:2026-06:${material(48)},cli>audit-service:k1:${material()}`);
    expect(keys.map(({ caller, audience, keyId, key }) => [caller, audience, keyId, key.length])).toEqual([
      ['gateway', 'token-service', '2026-01', 32],
      ['gateway', 'token-service', '2026-06', 48],
      ['cli', 'audit-service', 'k1', 32],
    ]);
    expect(parseInternalKeys(generateInternalKey('gateway', 'audit-service', 'k2', randomBytes))[0]).toMatchObject({ caller: 'gateway', audience: 'audit-service', keyId: 'k2' });
  });

  it('refuses short keys, malformed entries and repeats, naming the entry but never the material', () => {
    const short = material(16);
    expect(() => parseInternalKeys(`gateway>token-service:k1:${short}`)).toThrow('the key gateway>token-service:k1 must be at least 32 random bytes, base64url-encoded');
    expect(() => parseInternalKeys(`gateway>token-service:k1:${short}`)).not.toThrow(short);
    expect(() => parseInternalKeys('gateway:token-service:k1:abc')).toThrow('entry 1 must look like caller>audience:keyId:base64url-key');
    const key = material();
    expect(() => parseInternalKeys(`gateway>token-service:k1:${key},gateway>token-service:k1:${material()}`)).toThrow('the key gateway>token-service:k1 is listed twice');
  });

  it('refuses to start a process without the keys it needs, naming the variable and the pair', () => {
    const schema = z.object({ INTERNAL_KEYS: internalKeysVariable([{ caller: 'gateway', audience: 'credential-service' }]) });
    expect(() => loadEnv(schema, {})).toThrow('INTERNAL_KEYS: is required but not set');
    expect(() => loadEnv(schema, { INTERNAL_KEYS: `gateway>token-service:k1:${material()}` })).toThrow('INTERNAL_KEYS: needs a key for gateway>credential-service');
    expect(loadEnv(schema, { INTERNAL_KEYS: `gateway>credential-service:k1:${material()}` }).INTERNAL_KEYS).toHaveLength(1);
  });
});
