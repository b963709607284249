import { randomBytes } from 'node:crypto';
import { parseInternalKeys } from '@warden/config';
import { loadOpenApiDocument } from '@warden/contracts-api';
import type { Request, Response } from 'express';
import { ALL_SCOPES, bodyDigest, CLOCK_TOLERANCE_MS, IDENTITY_HEADER, IDENTITY_LIFETIME_MS, IdentitySigner, IdentityVerifier, requireScope, type Identity, type Scope } from './internal-identity';

const key = (pair: string, keyId = 'k1') => `${pair}:${keyId}:${randomBytes(32).toString('base64url')}`;
const gatewayToTokens = key('gateway>token-service');
const keys = parseInternalKeys([gatewayToTokens, key('gateway>audit-service'), key('cli>token-service')].join(','));
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
const request = { method: 'POST', url: '/api/v1/apitokens?limit=5' };
const body = JSON.stringify({ name: 'ci' });

let clock = 1_800_000_000_000;
const now = () => clock;
const gateway = new IdentitySigner('gateway', keys, now);
const newVerifier = (audience = 'token-service', verifierKeys = keys) => new IdentityVerifier(audience, verifierKeys, now);
const mint = (signer = gateway, audience = 'token-service') => signer.sign(audience, identity, { ...request, digest: bodyDigest(body) })[IDENTITY_HEADER];

describe('internal identity', () => {
  beforeEach(() => {
    clock = 1_800_000_000_000;
  });

  it('round-trips an identity with its caller and the digest of its body', () => {
    const result = newVerifier().verify(mint(), request);
    expect(result).toEqual({ ok: true, value: { identity, caller: 'gateway', digest: bodyDigest(body) } });
    expect(bodyDigest('')).toBe('sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:');
  });

  it('is a standard HS256 JWT naming its key, issuer, audience, expiry, unique id, method and URL', () => {
    const [header, payload] = mint()
      .split('.')
      .slice(0, 2)
      .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')));
    expect(header).toEqual({ alg: 'HS256', typ: 'JWT', kid: 'gateway:k1' });
    expect(payload).toMatchObject({ iss: 'gateway', aud: 'token-service', sub: 'tok-1', htm: 'POST', htu: request.url, cdg: bodyDigest(body) });
    expect(payload.exp - payload.iat).toBe(IDENTITY_LIFETIME_MS / 1000);
    expect(payload.jti).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('binds an empty body without carrying its digest', () => {
    const token = gateway.sign('token-service', identity, { method: 'GET', url: '/api/v1/apitokens' })[IDENTITY_HEADER];
    const payload = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
    expect(payload.cdg).toBeUndefined();
    expect(newVerifier().verify(token, { method: 'GET', url: '/api/v1/apitokens' })).toEqual({ ok: true, value: { identity, caller: 'gateway', digest: bodyDigest('') } });
  });

  it('refuses it a second time on the same replica', () => {
    const verifier = newVerifier();
    const token = mint();
    expect(verifier.verify(token, request).ok).toBe(true);
    expect(verifier.verify(token, request)).toEqual({ ok: false, reason: 'replayed' });
  });

  it('refuses another method or URL', () => {
    expect(newVerifier().verify(mint(), { method: 'PATCH', url: request.url })).toEqual({ ok: false, reason: 'request' });
    expect(newVerifier().verify(mint(), { method: 'POST', url: '/api/v1/apitokens?limit=6' })).toEqual({ ok: false, reason: 'request' });
  });

  it('refuses an identity for another audience, even from a caller this service trusts', () => {
    expect(newVerifier().verify(mint(gateway, 'audit-service'), request)).toEqual({ ok: false, reason: 'signature' });
    // The audit service holds only its own key: it cannot mint what the token service accepts.
    const auditServiceKeys = parseInternalKeys(key('gateway>audit-service'));
    const forged = new IdentitySigner('gateway', parseInternalKeys(key('gateway>token-service'))).sign('token-service', identity, request)[IDENTITY_HEADER];
    expect(new IdentityVerifier('audit-service', auditServiceKeys, now).verify(forged, request).ok).toBe(false);
    expect(newVerifier().verify(forged, request)).toEqual({ ok: false, reason: 'signature' });
  });

  it('refuses a tampered token', () => {
    const [header, payload, signature] = mint().split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    const tampered = Buffer.from(JSON.stringify({ ...claims, idn: { ...claims.idn, a: 'acc-2' } })).toString('base64url');
    expect(newVerifier().verify(`${header}.${tampered}.${signature}`, request)).toEqual({ ok: false, reason: 'signature' });
  });

  it('expires after its lifetime and the clock tolerance, and refuses one minted in the future', () => {
    const token = mint();
    clock += IDENTITY_LIFETIME_MS + CLOCK_TOLERANCE_MS - 1_000;
    expect(newVerifier().verify(token, request).ok).toBe(true);
    clock += 2_000;
    expect(newVerifier().verify(token, request)).toEqual({ ok: false, reason: 'expired' });
    clock = 1_800_000_000_000 - CLOCK_TOLERANCE_MS - 2_000;
    expect(newVerifier().verify(token, request)).toEqual({ ok: false, reason: 'not-yet-valid' });
  });

  it('accepts every listed key of a pair while it rotates, and signs with the last', () => {
    const next = key('gateway>token-service', 'k2');
    const both = parseInternalKeys(`${gatewayToTokens},${next}`);
    const rotated = new IdentitySigner('gateway', both, now).sign('token-service', identity, request)[IDENTITY_HEADER];
    expect(JSON.parse(Buffer.from(rotated.split('.')[0], 'base64url').toString('utf8')).kid).toBe('gateway:k2');
    const verifier = newVerifier('token-service', both);
    expect(verifier.verify(rotated, request).ok).toBe(true);
    expect(verifier.verify(mint(), request).ok).toBe(true);
    // Once the old key is gone, what it minted is refused.
    expect(newVerifier('token-service', parseInternalKeys(next)).verify(mint(), request)).toEqual({ ok: false, reason: 'unknown-key' });
  });

  it('tells the callers apart: each signs with its own key', () => {
    const cli = new IdentitySigner('cli', keys, now);
    expect(newVerifier().verify(mint(cli), request)).toMatchObject({ ok: true, value: { caller: 'cli' } });
    expect(cli.signsFor('audit-service')).toBe(false);
    expect(() => cli.sign('audit-service', identity, request)).toThrow('cli holds no internal key for audit-service');
  });

  it('refuses a missing, garbage or unsigned token', () => {
    expect(newVerifier().verify(undefined, request)).toEqual({ ok: false, reason: 'malformed' });
    expect(newVerifier().verify('abc.def.ghi', request).ok).toBe(false);
    const [, payload] = mint().split('.');
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT', kid: 'gateway:k1' })).toString('base64url')}.${payload}.`;
    expect(newVerifier().verify(none, request).ok).toBe(false);
  });
});

describe('ALL_SCOPES', () => {
  it('is every scope the contract defines, in its order', () => {
    expect(ALL_SCOPES).toEqual(loadOpenApiDocument().components.schemas.Scope.enum);
  });
});

describe('requireScope', () => {
  const decide = (scope: Scope, identity: Identity): unknown => {
    let outcome: unknown = 'not called';
    const req = { res: { locals: { identity } } } as unknown as Request;
    requireScope(scope)(req, req.res as Response, (error?: unknown) => (outcome = error));
    return outcome;
  };
  const account: Identity = { kind: 'token', accountId: 'acc-1', tokenId: 'tok-1', tokenType: 'api', name: 'deploy', scopes: [...ALL_SCOPES], clientIp: null, requestId: 'r' };
  const platform: Identity = { ...account, accountId: 'platform', tokenType: 'platform', scopes: ['platform:accounts:read', 'platform:accounts:write'] };

  it("keeps a platform token off an account's routes and an account's token off the platform's, whatever scopes they carry", () => {
    expect(decide('tokens:read', account)).toBeUndefined();
    expect(decide('platform:accounts:read', platform)).toBeUndefined();
    expect(decide('tokens:read', { ...platform, scopes: [...platform.scopes, 'tokens:read'] })).toMatchObject({ status: 403, message: "A platform token cannot call an account's API." });
    expect(decide('platform:accounts:read', { ...account, scopes: ['platform:accounts:read'] })).toMatchObject({ status: 403, message: 'Only a platform token may call the platform API.' });
    expect(decide('platform:accounts:write', { ...platform, scopes: ['platform:accounts:read'] })).toMatchObject({ status: 403, message: "This API token lacks the 'platform:accounts:write' scope." });
  });
});
