import { loadOpenApiDocument } from '@warden/contracts-api';
import { ALL_SCOPES, signIdentity, verifyIdentity, type Identity } from './internal-identity';

const key = 'k'.repeat(32);
const identity: Identity = {
  kind: 'token',
  accountId: 'acc-1',
  tokenId: 'tok-1',
  tokenType: 'api',
  name: 'ci',
  scopes: ['tokens:read'],
  clientIp: '203.0.113.9',
  requestId: 'req-12345678',
};
const request = { method: 'GET', url: '/api/v1/apitokens?limit=5' };

function verify(headers: Record<string, string>, req = request, now = Date.now(), withKey = key) {
  return verifyIdentity({ identity: headers['x-warden-identity'], signature: headers['x-warden-signature'] }, withKey, req, now);
}

describe('internal identity', () => {
  it('round-trips a signed identity', () => {
    expect(verify(signIdentity(identity, key, request))).toEqual(identity);
  });

  it('refuses another key', () => {
    expect(verify(signIdentity(identity, key, request), request, Date.now(), 'z'.repeat(32))).toBeUndefined();
  });

  it('refuses a tampered identity', () => {
    const headers = signIdentity(identity, key, request);
    const forged = { ...JSON.parse(Buffer.from(headers['x-warden-identity'], 'base64url').toString()), accountId: 'acc-2' };
    headers['x-warden-identity'] = Buffer.from(JSON.stringify(forged)).toString('base64url');
    expect(verify(headers)).toBeUndefined();
  });

  it('binds the signature to the method and URL', () => {
    const headers = signIdentity(identity, key, request);
    expect(verify(headers, { method: 'DELETE', url: request.url })).toBeUndefined();
    expect(verify(headers, { method: 'GET', url: '/api/v1/credentials' })).toBeUndefined();
  });

  it('expires after a minute', () => {
    const signedAt = Date.now();
    const headers = signIdentity(identity, key, request, signedAt);
    expect(verify(headers, request, signedAt + 59_000)).toEqual(identity);
    expect(verify(headers, request, signedAt + 61_000)).toBeUndefined();
  });

  it('refuses missing or garbage headers', () => {
    expect(verify({})).toBeUndefined();
    expect(verify({ 'x-warden-identity': 'abc', 'x-warden-signature': 'def' })).toBeUndefined();
  });
});

describe('ALL_SCOPES', () => {
  it('is every scope the contract defines, in its order', () => {
    expect(ALL_SCOPES).toEqual(loadOpenApiDocument().components.schemas.Scope.enum);
  });
});
