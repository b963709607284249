import { callerOf } from './caller';
import type { Identity } from './internal-identity';

const base: Identity = {
  kind: 'token',
  accountId: '7d1e0c52-3f3a-4b8e-9a61-2f0d9c4b7e10',
  tokenId: '2b9f6a1c-8e4d-4f0a-b3c7-5d1e9a8f6c24',
  tokenType: 'api',
  name: 'ci-deploy',
  scopes: ['tokens:read'],
  clientIp: '203.0.113.9',
  requestId: 'req-1',
};

describe('callerOf', () => {
  it('shows an api token as the token that acted, with its account, scopes, address and request', () => {
    expect(callerOf(base)).toEqual({
      accountId: base.accountId,
      scopes: ['tokens:read'],
      actor: { type: 'token', id: base.tokenId, name: 'ci-deploy' },
      remoteIp: '203.0.113.9',
      requestId: 'req-1',
      tokenId: base.tokenId,
      limits: 'unknown',
    });
  });

  it('carries the limits the gateway states for the token, the effective rate limit and the default', () => {
    const rateLimit = { limit: 30, windowSeconds: 60 };
    const defaultRateLimit = { limit: 60, windowSeconds: 60 };
    const caller = callerOf({ ...base, tokenAllowedIps: ['10.0.0.0/8'], tokenExpiresAt: null, tokenRateLimit: rateLimit, defaultRateLimit });
    expect(caller.limits).toEqual({ allowedIps: ['10.0.0.0/8'], expiresAt: null, rateLimit, defaultRateLimit });
  });

  it('knows nothing of a token’s limits that the gateway did not state: nothing is granted on a guess', () => {
    expect(callerOf({ ...base, tokenAllowedIps: [], tokenExpiresAt: null }).limits).toBe('unknown');
  });

  it('holds an internal service to no token limits', () => {
    const service = callerOf({ ...base, kind: 'service', tokenId: undefined, tokenType: undefined, name: 'billing' });
    expect(service.limits).toBe('unrestricted');
    expect(service.tokenId).toBeNull();
  });

  it('shows a service-type token as its named service account', () => {
    expect(callerOf({ ...base, tokenType: 'service', name: 'billing' }).actor).toEqual({ type: 'service', id: base.tokenId, name: 'billing' });
  });

  it('shows an internal service by its name', () => {
    expect(callerOf({ ...base, kind: 'service', tokenId: undefined, tokenType: undefined, name: 'audit-service' }).actor).toEqual({
      type: 'service',
      id: 'audit-service',
      name: 'audit-service',
    });
  });
});
