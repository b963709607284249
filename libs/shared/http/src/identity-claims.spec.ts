import { fromIdentityClaim, subjectOf, toIdentityClaim } from './identity-claims';
import type { Identity } from './internal-identity';

const token: Identity = {
  kind: 'token',
  accountId: 'acc-1',
  tokenId: 'tok-1',
  tokenType: 'api',
  tokenExpiresAt: '2030-01-01T00:00:00.000Z',
  tokenAllowedIps: ['10.0.0.0/8'],
  tokenRateLimit: { limit: 100, windowSeconds: 1 },
  defaultRateLimit: { limit: 60, windowSeconds: 60 },
  name: 'deploy',
  scopes: ['tokens:read', 'audit:read'],
  clientIp: '203.0.113.7',
  requestId: 'req-1',
};

const roundTrip = (identity: Identity) => fromIdentityClaim(subjectOf(identity), JSON.parse(JSON.stringify(toIdentityClaim(identity))));

describe('identity claim', () => {
  it('carries a token identity whole, with the token as the subject', () => {
    expect(subjectOf(token)).toBe('tok-1');
    expect(roundTrip(token)).toEqual(token);
    expect(roundTrip({ ...token, tokenType: 'service', tokenExpiresAt: null, tokenAllowedIps: [] })).toEqual({ ...token, tokenType: 'service', tokenExpiresAt: null, tokenAllowedIps: [] });
  });

  it("carries a platform token's type, which keeps it off every account's routes", () => {
    const platformToken: Identity = { ...token, accountId: 'platform', tokenType: 'platform', scopes: ['platform:accounts:read'] };
    expect(toIdentityClaim(platformToken).y).toBe('p');
    expect(roundTrip(platformToken)).toEqual(platformToken);
    // An unknown type code is not read as any type (an api token's least of all).
    expect(fromIdentityClaim('tok-1', { ...toIdentityClaim(token), y: 'x' })?.tokenType).toBeUndefined();
  });

  it("carries an internal caller's identity, named by the subject", () => {
    const service: Identity = { kind: 'service', accountId: 'acc-1', name: 'operator', scopes: ['tokens:write'], clientIp: null, requestId: 'req-2' };
    expect(subjectOf(service)).toBe('operator');
    expect(roundTrip(service)).toEqual(service);
  });

  it('carries no token limits with a service identity, and mints no token identity without its token', () => {
    const service: Identity = { kind: 'service', accountId: 'acc-1', name: 'operator', scopes: [], clientIp: null, requestId: 'r', tokenAllowedIps: [], tokenRateLimit: { limit: 1, windowSeconds: 1 } };
    expect(roundTrip(service)).toEqual({ kind: 'service', accountId: 'acc-1', name: 'operator', scopes: [], clientIp: null, requestId: 'r' });
    expect(() => subjectOf({ ...token, tokenId: undefined })).toThrow(/must name its token/);
  });

  it("reads the previous release's claim, the identity's own JSON, so services can be upgraded first", () => {
    expect(fromIdentityClaim('tok-1', JSON.parse(JSON.stringify(token)))).toEqual(token);
    expect(fromIdentityClaim('tok-1', { ...token, kind: 'admin' })).toBeUndefined();
    expect(fromIdentityClaim('tok-1', { ...token, scopes: [{}] })).toBeUndefined();
  });

  it('leaves limits a token identity does not state unstated (a service then grants nothing that needs them)', () => {
    const bare: Identity = { kind: 'token', accountId: 'acc-1', tokenId: 'tok-1', name: 'n', scopes: [], clientIp: null, requestId: 'r' };
    expect(roundTrip(bare)).toEqual(bare);
  });

  it('is about a third smaller than the identity itself', () => {
    expect(JSON.stringify(toIdentityClaim(token)).length).toBeLessThan(JSON.stringify(token).length * 0.7);
  });

  it('refuses a claim that is not one Warden mints', () => {
    const claim = toIdentityClaim(token);
    expect(fromIdentityClaim(undefined, claim)).toBeUndefined();
    expect(fromIdentityClaim('tok-1', null)).toBeUndefined();
    expect(fromIdentityClaim('tok-1', { ...claim, k: 'admin' })).toBeUndefined();
    expect(fromIdentityClaim('tok-1', { ...claim, a: 7 })).toBeUndefined();
    expect(fromIdentityClaim('tok-1', { ...claim, s: 'tokens:read' })).toBeUndefined();
    expect(fromIdentityClaim('tok-1', { ...claim, n: undefined })).toBeUndefined();
    expect(fromIdentityClaim('tok-1', { ...claim, ip: 7 })).toBeUndefined();
    expect(fromIdentityClaim('tok-1', { ...claim, s: [{}, 1] })).toBeUndefined();
    // Limits that are not what a gateway states are left unstated: nothing that needs them is granted.
    const odd = fromIdentityClaim('tok-1', { ...claim, ips: [5], rl: [-1, 60], drl: [0, 60] });
    expect(odd).toBeDefined();
    expect(odd?.tokenAllowedIps).toBeUndefined();
    expect(odd?.tokenRateLimit).toBeUndefined();
    expect(odd?.defaultRateLimit).toBeUndefined();
  });
});
