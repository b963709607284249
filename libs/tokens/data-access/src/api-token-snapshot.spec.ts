import { apiTokenSnapshot } from './api-token-snapshot';
import { hashTokenSecret, sameSecretHash } from './token-hash';

describe('apiTokenSnapshot', () => {
  it('keeps the settings and nothing secret', () => {
    const token = {
      _id: 'id',
      name: 'ci',
      type: 'api' as const,
      enabled: true,
      scopes: ['audit:read' as const],
      allowedIps: ['10.0.0.0/8'],
      expiresAt: new Date('2030-01-01T00:00:00Z'),
      rateLimit: { limit: 5, windowSeconds: 60 },
      secretHash: 'a'.repeat(64),
      hint: 'wdn_…abcd',
      previousSecrets: [{ hash: 'b'.repeat(64), expiresAt: new Date() }],
    };
    expect(apiTokenSnapshot(token)).toEqual({
      name: 'ci',
      type: 'api',
      enabled: true,
      scopes: ['audit:read'],
      allowedIps: ['10.0.0.0/8'],
      expiresAt: '2030-01-01T00:00:00.000Z',
      rateLimit: { limit: 5, windowSeconds: 60 },
    });
  });
});

describe('token hashes', () => {
  it('are keyed: another key gives another hash', () => {
    const secret = 'wdn_example';
    expect(hashTokenSecret(secret, 'k'.repeat(32))).toMatch(/^[0-9a-f]{64}$/);
    expect(hashTokenSecret(secret, 'k'.repeat(32))).not.toBe(hashTokenSecret(secret, 'j'.repeat(32)));
  });

  it('compare equal only when equal, including different lengths and empty values', () => {
    const hash = hashTokenSecret('wdn_example', 'k'.repeat(32));
    expect(sameSecretHash(hash, hash)).toBe(true);
    expect(sameSecretHash(hash, hashTokenSecret('wdn_other', 'k'.repeat(32)))).toBe(false);
    expect(sameSecretHash(hash, hash.slice(0, 62))).toBe(false);
    expect(sameSecretHash('', '')).toBe(false);
  });
});
