import request from 'supertest';
import { bootstrapToken, gatewayForSuite, startGateway, startTokenService, type GatewayHarness, type TokenServiceHarness } from '../test/gateway-harness';

// Least privilege through the real gateway and the real token service: a token acts within its own
// limits and hands out only narrower ones, on every axis (scopes, allowlist, expiry, rate limit).
// The attacker holds a CI token with `tokens:write`, limited to 10.0.0.0/8, expiring within the
// hour and allowed 100 requests a minute; the gateway trusts the loopback proxy, so each request
// says which address it comes from.

const INSIDE = '10.1.2.3';
const OUTSIDE = '192.0.2.10';
const HOUR = 3_600_000;

interface Token {
  id: string;
  secret: string;
}

describe('attenuation: a token can only hand out less than it holds', () => {
  const suite = gatewayForSuite({ TRUST_PROXY: 'loopback' });

  const as = (secret: string, from = INSIDE) => {
    const headers = (test: request.Test) => test.set('Authorization', `Bearer ${secret}`).set('X-Forwarded-For', from);
    const url = suite.gateway.url;
    return {
      get: (path: string) => headers(request(url).get(path)),
      post: (path: string, body: object = {}) => headers(request(url).post(path)).send(body),
      patch: (path: string, body: object) => headers(request(url).patch(path)).send(body),
      delete: (path: string) => headers(request(url).delete(path)),
    };
  };

  /** A token made by the account's unrestricted first token. */
  async function adminCreates(body: Record<string, unknown>): Promise<Token & { data: any }> {
    const response = await as(suite.admin.secret).post('/api/v1/apitokens', { name: 'made-by-admin', ...body });
    expect(response.status).toBe(201);
    return { id: response.body.data.id, secret: response.body.data.token, data: response.body.data };
  }

  /** The attacker's token: a fresh one per test, so that no test sees another's changes. */
  const ciExpiresAt = () => new Date(Date.now() + HOUR).toISOString();
  async function ciToken(overrides: Record<string, unknown> = {}): Promise<Token & { data: any }> {
    return adminCreates({
      name: 'ci',
      scopes: ['tokens:read', 'tokens:write', 'credentials:read'],
      allowedIps: ['10.0.0.0/8'],
      expiresAt: ciExpiresAt(),
      rateLimit: { limit: 100, windowSeconds: 60 },
      ...overrides,
    });
  }

  function expectRefused(response: request.Response, paths: string[]): void {
    expect(response.status).toBe(403);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ status: 403, success: false });
    expect((response.body.errors as { path: string }[]).map((error) => error.path)).toEqual(paths);
    expect(JSON.stringify(response.body)).not.toMatch(/wdn_/);
  }

  async function liveTokenIds(): Promise<string[]> {
    const listed = await as(suite.admin.secret).get('/api/v1/apitokens?limit=200');
    expect(listed.status).toBe(200);
    return listed.body.data.map((token: { id: string }) => token.id);
  }

  async function stored(id: string): Promise<any> {
    const response = await as(suite.admin.secret).get(`/api/v1/apitokens/${id}`);
    expect(response.status).toBe(200);
    return response.body.data;
  }

  const works = async (secret: string, from = INSIDE) => (await as(secret, from).get('/api/v1/apitokens/verify')).status;

  describe('creating', () => {
    it('a CI token limited to 10.0.0.0/8 cannot mint a token usable from anywhere', async () => {
      const ci = await ciToken();
      const before = await liveTokenIds();
      const response = await as(ci.secret).post('/api/v1/apitokens', { name: 'anywhere', allowedIps: [] });
      expectRefused(response, ['body.allowedIps']);
      expect(response.body.errors[0].message).toContain('10.0.0.0/8');
      expect(await liveTokenIds()).toEqual(before);
    });

    it('a CI token cannot mint a token for an address or range outside its allowlist, IPv4 or IPv6', async () => {
      const ci = await ciToken({ allowedIps: ['10.0.0.0/8', '2001:db8::/32'] });
      const outside = await as(ci.secret).post('/api/v1/apitokens', { name: 'wider', allowedIps: ['10.0.0.0/8', '192.0.2.0/24'] });
      expectRefused(outside, ['body.allowedIps']);
      expect(outside.body.errors[0].message).toMatch(/^192\.0\.2\.0\/24 lies outside/);
      expectRefused(await as(ci.secret).post('/api/v1/apitokens', { name: 'supernet', allowedIps: ['10.0.0.0/7'] }), ['body.allowedIps']);
      expectRefused(await as(ci.secret).post('/api/v1/apitokens', { name: 'v6-wider', allowedIps: ['2001:db8::/31'] }), ['body.allowedIps']);
      expectRefused(await as(ci.secret).post('/api/v1/apitokens', { name: 'v6-any', allowedIps: ['::/0'] }), ['body.allowedIps']);

      const inside = await as(ci.secret).post('/api/v1/apitokens', { name: 'narrower', allowedIps: ['10.20.0.0/16', '10.1.2.3', '2001:db8:1::/48', '2001:db8::7'] });
      expect(inside.status).toBe(201);
      expect(inside.body.data.allowedIps).toEqual(['10.20.0.0/16', '10.1.2.3', '2001:db8:1::/48', '2001:db8::7']);
    });

    it('a CI token that expires within the hour cannot mint a token that never expires, or expires after it', async () => {
      const ci = await ciToken();
      const ciExpiry = Date.parse(ci.data.expiresAt);
      expectRefused(await as(ci.secret).post('/api/v1/apitokens', { name: 'forever', expiresAt: null }), ['body.expiresAt']);
      const later = await as(ci.secret).post('/api/v1/apitokens', { name: 'later', expiresAt: new Date(ciExpiry + 60_000).toISOString() });
      expectRefused(later, ['body.expiresAt']);
      expect(later.body.errors[0].message).toContain(ci.data.expiresAt);
      const sooner = await as(ci.secret).post('/api/v1/apitokens', { name: 'sooner', expiresAt: new Date(ciExpiry - 60_000).toISOString() });
      expect(sooner.status).toBe(201);
    });

    it('a CI token cannot mint a token with a larger or a faster rate limit, nor one on a larger default', async () => {
      const ci = await ciToken();
      expectRefused(await as(ci.secret).post('/api/v1/apitokens', { name: 'larger', rateLimit: { limit: 101, windowSeconds: 60 } }), ['body.rateLimit']);
      // The same 100 in half the window: twice the rate.
      expectRefused(await as(ci.secret).post('/api/v1/apitokens', { name: 'faster', rateLimit: { limit: 100, windowSeconds: 30 } }), ['body.rateLimit']);
      // A slower rate but a larger burst.
      expectRefused(await as(ci.secret).post('/api/v1/apitokens', { name: 'burst', rateLimit: { limit: 1000, windowSeconds: 3600 } }), ['body.rateLimit']);
      // `null` asks for the gateway's default, 1000 a minute here: more than the caller's 100.
      expectRefused(await as(ci.secret).post('/api/v1/apitokens', { name: 'default', rateLimit: null }), ['body.rateLimit']);
      const slower = await as(ci.secret).post('/api/v1/apitokens', { name: 'slower', rateLimit: { limit: 50, windowSeconds: 60 } });
      expect(slower.status).toBe(201);
    });

    it('a CI token cannot mint a token with a scope it lacks', async () => {
      const ci = await ciToken();
      const response = await as(ci.secret).post('/api/v1/apitokens', { name: 'revealer', scopes: ['credentials:read', 'credentials:reveal'] });
      expectRefused(response, ['body.scopes']);
      expect(response.body.detail).toMatch(/scope escalation/i);
      expect(response.body.detail).toContain('credentials:reveal');
    });

    it('names every field that reaches beyond the caller in one 403', async () => {
      const ci = await ciToken();
      const response = await as(ci.secret).post('/api/v1/apitokens', {
        name: 'everything',
        scopes: ['audit:read'],
        allowedIps: [],
        expiresAt: null,
        rateLimit: { limit: 100_000, windowSeconds: 1 },
      });
      expectRefused(response, ['body.scopes', 'body.allowedIps', 'body.expiresAt', 'body.rateLimit']);
      expect(response.body.messages).toHaveLength(5);
    });

    it('a token minted without limits inherits every limit of the CI token, shows them, and the gateway holds it to them', async () => {
      const ci = await ciToken();
      const response = await as(ci.secret).post('/api/v1/apitokens', { name: 'child' });
      expect(response.status).toBe(201);
      expect(response.body.data).toMatchObject({
        scopes: ['tokens:read', 'tokens:write', 'credentials:read'],
        allowedIps: ['10.0.0.0/8'],
        expiresAt: ci.data.expiresAt,
        rateLimit: { limit: 100, windowSeconds: 60 },
      });
      const child = response.body.data.token as string;
      expect(await works(child, '10.200.0.1')).toBe(200);
      expect(await works(child, OUTSIDE)).toBe(403);
      expect((await as(child).get('/api/v1/apitokens/verify')).headers['ratelimit-policy']).toContain('"per-token";q=100;w=60');
    });
  });

  describe('changing itself', () => {
    it.each([
      ['drop its allowlist', { allowedIps: [] }, 'body.allowedIps'],
      ['widen its allowlist', { allowedIps: ['0.0.0.0/0'] }, 'body.allowedIps'],
      ['drop its expiry', { expiresAt: null }, 'body.expiresAt'],
      ['push its expiry back', { expiresAt: new Date(Date.now() + 30 * 86_400_000).toISOString() }, 'body.expiresAt'],
      ['raise its rate limit', { rateLimit: { limit: 100_000, windowSeconds: 1 } }, 'body.rateLimit'],
      ['fall back to the larger default rate limit', { rateLimit: null }, 'body.rateLimit'],
      ['add a scope', { scopes: ['tokens:read', 'tokens:write', 'credentials:read', 'credentials:reveal'] }, 'body.scopes'],
    ])('a CI token cannot PATCH itself to %s', async (_attempt, body, path) => {
      const ci = await ciToken();
      const response = await as(ci.secret).patch(`/api/v1/apitokens/${ci.id}`, body);
      expectRefused(response, [path]);
      const { updatedAt: _before, lastUsedAt: _used, token: _secret, ...unchanged } = ci.data;
      expect(await stored(ci.id)).toMatchObject(unchanged);
      expect(await works(ci.secret, OUTSIDE)).toBe(403);
    });

    it('a CI token may narrow itself, and is held to the narrower limits at once', async () => {
      const ci = await ciToken();
      const expiresAt = new Date(Date.now() + HOUR / 2).toISOString();
      const response = await as(ci.secret).patch(`/api/v1/apitokens/${ci.id}`, {
        allowedIps: ['10.1.0.0/16'],
        expiresAt,
        rateLimit: { limit: 10, windowSeconds: 60 },
        scopes: ['tokens:read', 'tokens:write'],
      });
      expect(response.status).toBe(200);
      expect(response.body.data).toMatchObject({ allowedIps: ['10.1.0.0/16'], expiresAt, rateLimit: { limit: 10, windowSeconds: 60 }, scopes: ['tokens:read', 'tokens:write'] });
      expect(await works(ci.secret, '10.1.9.9')).toBe(200);
      expect(await works(ci.secret, '10.2.0.1')).toBe(403);
    });

    it('a CI token may rotate itself and then revoke itself', async () => {
      const ci = await ciToken();
      const rotated = await as(ci.secret).post(`/api/v1/apitokens/${ci.id}/rotate`);
      expect(rotated.status).toBe(200);
      expect(rotated.body.data).toMatchObject({ allowedIps: ['10.0.0.0/8'], expiresAt: ci.data.expiresAt, rateLimit: { limit: 100, windowSeconds: 60 } });
      const secret = rotated.body.data.token as string;
      expect(await works(ci.secret)).toBe(401);
      const revoked = await as(secret).delete(`/api/v1/apitokens/${ci.id}`);
      expect(revoked.status).toBe(200);
      expect(await works(secret)).toBe(401);
    });
  });

  describe('acting on other tokens', () => {
    it('a CI token cannot revoke a token that holds more than it', async () => {
      const ci = await ciToken();
      const response = await as(ci.secret).delete(`/api/v1/apitokens/${suite.admin.id}`);
      expectRefused(response, ['token.scopes', 'token.allowedIps', 'token.expiresAt', 'token.rateLimit']);
      expect(await works(suite.admin.secret)).toBe(200);
    });

    it('a CI token cannot disable, rename or re-enable a token that is broader on a single axis', async () => {
      const ci = await ciToken();
      // The same as the CI token but usable from anywhere.
      const { allowedIps: _ips, ...limits } = ci.data;
      const anywhere = await adminCreates({ name: 'anywhere', scopes: limits.scopes, expiresAt: limits.expiresAt, rateLimit: limits.rateLimit, allowedIps: [] });
      for (const body of [{ enabled: false }, { name: 'renamed' }, { allowedIps: ['10.0.0.0/8'] }]) {
        expectRefused(await as(ci.secret).patch(`/api/v1/apitokens/${anywhere.id}`, body), ['token.allowedIps']);
      }
      const disabled = await adminCreates({ name: 'disabled-elsewhere', scopes: ['tokens:read'], enabled: false, expiresAt: null });
      expectRefused(await as(ci.secret).patch(`/api/v1/apitokens/${disabled.id}`, { enabled: true }), ['token.allowedIps', 'token.expiresAt', 'token.rateLimit']);
      expect(await stored(anywhere.id)).toMatchObject({ name: 'anywhere', enabled: true, allowedIps: [] });
      expect(await stored(disabled.id)).toMatchObject({ enabled: false });
      expect(await works(anywhere.secret, OUTSIDE)).toBe(200);
    });

    it('rotating a broader token is refused, and its secret keeps working', async () => {
      const ci = await ciToken();
      // Same scopes, no allowlist: rotating it would hand the CI token a secret usable from anywhere.
      const broader = await adminCreates({ name: 'broader', scopes: ['tokens:read'], expiresAt: ci.data.expiresAt, rateLimit: { limit: 10, windowSeconds: 60 } });
      const response = await as(ci.secret).post(`/api/v1/apitokens/${broader.id}/rotate`, { gracePeriodSeconds: 60 });
      expectRefused(response, ['token.allowedIps']);
      expect(await works(broader.secret, OUTSIDE)).toBe(200);
      expect((await stored(broader.id)).hint).toBe(broader.data.hint);
    });

    it('a CI token may change, rotate and revoke a token that lies within it', async () => {
      const ci = await ciToken();
      const child = (await as(ci.secret).post('/api/v1/apitokens', { name: 'child', scopes: ['tokens:read'] })).body.data;
      const renamed = await as(ci.secret).patch(`/api/v1/apitokens/${child.id}`, { name: 'child-2', enabled: false });
      expect(renamed.status).toBe(200);
      expect(renamed.body.data).toMatchObject({ name: 'child-2', enabled: false });
      const enabled = await as(ci.secret).patch(`/api/v1/apitokens/${child.id}`, { enabled: true, allowedIps: ['10.1.0.0/16'] });
      expect(enabled.status).toBe(200);
      const rotated = await as(ci.secret).post(`/api/v1/apitokens/${child.id}/rotate`);
      expect(rotated.status).toBe(200);
      expect(await works(rotated.body.data.token, '10.1.0.1')).toBe(200);
      expect((await as(ci.secret).delete(`/api/v1/apitokens/${child.id}`)).status).toBe(200);
      expect(await works(rotated.body.data.token, '10.1.0.1')).toBe(401);
    });

    it('a CI token cannot widen a token that lies within it beyond itself', async () => {
      const ci = await ciToken();
      const child = (await as(ci.secret).post('/api/v1/apitokens', { name: 'child', allowedIps: ['10.1.0.0/16'], rateLimit: { limit: 10, windowSeconds: 60 } })).body.data;
      expectRefused(await as(ci.secret).patch(`/api/v1/apitokens/${child.id}`, { allowedIps: [] }), ['body.allowedIps']);
      expectRefused(await as(ci.secret).patch(`/api/v1/apitokens/${child.id}`, { expiresAt: null, rateLimit: { limit: 1000, windowSeconds: 60 } }), ['body.expiresAt', 'body.rateLimit']);
      // Up to its own limits is fine.
      const widened = await as(ci.secret).patch(`/api/v1/apitokens/${child.id}`, { allowedIps: ['10.0.0.0/8'], rateLimit: { limit: 100, windowSeconds: 60 } });
      expect(widened.status).toBe(200);
    });
  });

  describe('inherited limits are copied', () => {
    it('narrowing or revoking the CI token later leaves the tokens it made as they are', async () => {
      const ci = await ciToken();
      const child = (await as(ci.secret).post('/api/v1/apitokens', { name: 'child' })).body.data;
      const narrowed = await as(suite.admin.secret).patch(`/api/v1/apitokens/${ci.id}`, { allowedIps: ['10.1.0.0/16'], rateLimit: { limit: 5, windowSeconds: 60 } });
      expect(narrowed.status).toBe(200);
      expect(await stored(child.id)).toMatchObject({ allowedIps: ['10.0.0.0/8'], rateLimit: { limit: 100, windowSeconds: 60 }, expiresAt: ci.data.expiresAt });
      expect(await works(child.token, '10.2.0.1')).toBe(200);
      expect((await as(suite.admin.secret).delete(`/api/v1/apitokens/${ci.id}`)).status).toBe(200);
      expect(await works(ci.secret)).toBe(401);
      expect(await works(child.token, '10.2.0.1')).toBe(200);
    });
  });
});

describe('the cap on live tokens per account', () => {
  let tokens: TokenServiceHarness;
  let gateway: GatewayHarness;

  beforeAll(async () => {
    tokens = await startTokenService({ env: { MAX_TOKENS_PER_ACCOUNT: '3' } });
    gateway = await startGateway(tokens.url);
  });
  afterAll(async () => {
    await gateway?.close();
    await tokens?.close();
  });

  it('a token cannot multiply its account’s quotas by minting tokens past the cap: 409, until one is revoked', async () => {
    const admin = await bootstrapToken(tokens.url);
    const create = (name: string) => request(gateway.url).post('/api/v1/apitokens').set('Authorization', `Bearer ${admin.secret}`).send({ name });
    const made = [];
    for (const name of ['second', 'third']) {
      const response = await create(name);
      expect(response.status).toBe(201);
      made.push(response.body.data.id as string);
    }
    const refused = await create('fourth');
    expect(refused.status).toBe(409);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.body).toMatchObject({ status: 409, title: 'Conflict', success: false });
    expect(refused.body.detail).toContain('(3)');
    expect(JSON.stringify(refused.body)).not.toMatch(/wdn_/);

    // Another account has its own cap.
    const other = await bootstrapToken(tokens.url);
    expect((await request(gateway.url).post('/api/v1/apitokens').set('Authorization', `Bearer ${other.secret}`).send({ name: 'theirs' })).status).toBe(201);

    expect((await request(gateway.url).delete(`/api/v1/apitokens/${made[0]}`).set('Authorization', `Bearer ${admin.secret}`)).status).toBe(200);
    expect((await create('fourth')).status).toBe(201);
    expect((await create('fifth')).status).toBe(409);
  });
});
