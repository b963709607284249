import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ALL_SCOPES } from '@warden/http';
import request from 'supertest';
import { signedHeaders, testIdentity } from '@warden/testing';
import { tokenVersionKey } from '@warden/api-token';
import { hashTokenSecret } from '@warden/tokens-data-access';
import { TEST_TOKEN_HASH_KEY, startTokenService, type TokenServiceHarness } from './test/token-service-harness';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const gateway = testIdentity({ kind: 'service', name: 'gateway', tokenId: undefined, tokenType: undefined });

let svc: TokenServiceHarness;
let skewMs = 0;
const secrets: string[] = [];
const alice = testIdentity({ name: 'alice-admin' });
const bob = testIdentity({ name: 'bob-admin' });

async function create(identity = alice, body: Record<string, unknown> = { name: 'ci' }) {
  const res = await svc.as(identity).post('/api/v1/apitokens', body);
  expect(res.status).toBe(201);
  secrets.push(res.body.data.token);
  return res.body.data as Record<string, any> & { id: string; token: string };
}

async function internalVerify(secret: string) {
  return svc.as({ ...gateway, accountId: randomUUID() }).post('/internal/v1/tokens/verify', { secret });
}

beforeAll(async () => {
  svc = await startTokenService({ clock: () => new Date(Date.now() + skewMs) });
});
afterAll(async () => {
  await svc.close();
});
afterEach(() => {
  skewMs = 0;
});

describe('create', () => {
  it('issues a secret once, stores only its keyed hash, and defaults everything, limits to the caller’s own', async () => {
    const res = await svc.as(alice).post('/api/v1/apitokens', { name: 'reporting' });
    expect(res.status).toBe(201);
    const data = res.body.data;
    secrets.push(data.token);
    expect(res.body.messages).toEqual(['Store this token now; it will not be shown again.']);
    expect(data).toMatchObject({
      name: 'reporting',
      type: 'api',
      enabled: true,
      scopes: [...ALL_SCOPES],
      allowedIps: [],
      expiresAt: null,
      // The caller's quota as the gateway stated it: a token inherits what it is not given.
      rateLimit: { limit: 60, windowSeconds: 60 },
      lastUsedAt: null,
    });
    expect(data.id).toMatch(UUID);
    expect(data.token).toMatch(/^wdn_[0-9A-Za-z]{36}$/);
    expect(data.hint).toBe(`wdn_…${data.token.slice(-4)}`);
    expect(data).not.toHaveProperty('secretHash');

    const stored = await svc.models.apiTokens.findById(data.id).lean();
    expect(stored?.secretHash).toBe(hashTokenSecret(data.token, TEST_TOKEN_HASH_KEY));
    expect(stored?.accountId).toBe(alice.accountId);
    expect(JSON.stringify(stored)).not.toContain(data.token);
    expect(await svc.redis.get(tokenVersionKey(alice.accountId, data.id))).toBe('1');
  });

  it('keeps every setting it is given', async () => {
    const settings = {
      name: 'ci-deploy',
      type: 'service',
      enabled: false,
      scopes: ['credentials:read', 'audit:read'],
      allowedIps: ['203.0.113.0/24', '2001:db8::/32', '198.51.100.7'],
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      rateLimit: { limit: 30, windowSeconds: 60 },
    };
    expect(await create(alice, settings)).toMatchObject(settings);
  });

  it('defaults scopes to the caller’s and refuses to grant one it lacks', async () => {
    const narrow = testIdentity({ accountId: alice.accountId, scopes: ['tokens:read', 'tokens:write', 'audit:read'] });
    expect((await create(narrow, { name: 'narrow-child' })).scopes).toEqual(['tokens:read', 'tokens:write', 'audit:read']);
    const res = await svc.as(narrow).post('/api/v1/apitokens', { name: 'escalate', scopes: ['audit:read', 'credentials:reveal'] });
    expect(res.status).toBe(403);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.detail).toMatch(/scope escalation/i);
    expect(res.body.detail).toContain('credentials:reveal');
  });

  it('hands out nothing for a token whose limits the signed identity does not state', async () => {
    const unstated = testIdentity({ accountId: alice.accountId, tokenAllowedIps: undefined, tokenRateLimit: undefined });
    const res = await svc.as(unstated).post('/api/v1/apitokens', { name: 'guess' });
    expect(res.status).toBe(403);
    expect(res.body.detail).toMatch(/did not state this API token's limits/);
  });

  it('refuses a caller without tokens:write', async () => {
    const reader = testIdentity({ accountId: alice.accountId, scopes: ['tokens:read'] });
    const res = await svc.as(reader).post('/api/v1/apitokens', { name: 'x' });
    expect(res.status).toBe(403);
    expect(res.body.detail).toContain("'tokens:write'");
  });

  it.each([
    [{}, 'body.name', 'is required'],
    [{ name: '' }, 'body.name', 'must NOT have fewer than 1 characters'],
    [{ name: 'x', colour: 'red' }, 'body.colour', 'is not an allowed field'],
    [{ name: 'x', type: 'root' }, 'body.type', 'must be equal to one of the allowed values'],
    [{ name: 'x', scopes: ['tokens:admin'] }, 'body.scopes[0]', 'must be equal to one of the allowed values'],
    [{ name: 'x', allowedIps: ['10.0.0.0/8', '10.0.0.0/33'] }, 'body.allowedIps[1]', 'must be an IPv4/IPv6 address or CIDR range'],
    [{ name: 'x', allowedIps: ['999.1.1.1'] }, 'body.allowedIps[0]', 'must be an IPv4/IPv6 address or CIDR range'],
    [{ name: 'x', expiresAt: 'tomorrow' }, 'body.expiresAt', 'must match format "date-time"'],
    [{ name: 'x', expiresAt: '2001-01-01T00:00:00.000Z' }, 'body.expiresAt', 'must be in the future'],
    [{ name: 'x', rateLimit: { limit: 0, windowSeconds: 60 } }, 'body.rateLimit.limit', 'must be >= 1'],
    [{ name: { $ne: 'x' } }, 'body.name', 'must be string'],
  ])('answers %j with a 400 naming %s', async (body, path, message) => {
    const res = await svc.as(alice).post('/api/v1/apitokens', body);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.errors).toContainEqual({ path, message });
  });

  it('answers malformed JSON with 400 and a non-JSON body with 415', async () => {
    const url = '/api/v1/apitokens';
    // Bodies the gateway would forward as they are, with an identity minted for exactly these bytes.
    const send = (contentType: string, text: string) =>
      request(svc.app).post(url).set(signedHeaders('token-service', alice, 'POST', url, { body: text })).set('content-type', contentType).send(text);
    const bad = await send('application/json', '{"name":');
    expect(bad.status).toBe(400);
    const text = await send('text/plain', 'name=x');
    expect(text.status).toBe(415);
  });
});

describe('list', () => {
  const owner = testIdentity({ name: 'lister' });
  const names = ['alpha', 'beta', 'Gamma.deploy', 'gammaXdeploy', 'delta (ci)'];
  beforeAll(async () => {
    for (const name of names) await create(owner, { name });
    await create(testIdentity(), { name: 'alpha' });
  });

  it('pages newest first with a cursor, never showing a secret', async () => {
    const seen: string[] = [];
    let url = '/api/v1/apitokens?limit=2';
    for (let page = 0; page < 5; page++) {
      const res = await svc.as(owner).get(url);
      expect(res.status).toBe(200);
      expect(res.body.success).toBe(true);
      for (const token of res.body.data) {
        expect(token).not.toHaveProperty('token');
        expect(token).not.toHaveProperty('secretHash');
        seen.push(token.name);
      }
      if (!res.body.meta.nextCursor) break;
      url = `/api/v1/apitokens?limit=2&cursor=${encodeURIComponent(res.body.meta.nextCursor)}`;
    }
    expect(seen).toEqual([...names].reverse());
  });

  it('filters by name, case-insensitively and literally', async () => {
    const names = async (filter: string) =>
      ((await svc.as(owner).get(`/api/v1/apitokens?name=${encodeURIComponent(filter)}`)).body.data as { name: string }[]).map((t) => t.name);
    expect(await names('GAMMA')).toEqual(['gammaXdeploy', 'Gamma.deploy']);
    expect(await names('.deploy')).toEqual(['Gamma.deploy']);
    expect(await names('(ci)')).toEqual(['delta (ci)']);
    expect(await names('.*')).toEqual([]);
  });

  it('shows only the caller’s account', async () => {
    const res = await svc.as(owner).get('/api/v1/apitokens?name=alpha');
    expect(res.body.data).toHaveLength(1);
    const other = await svc.as(testIdentity()).get('/api/v1/apitokens');
    expect(other.body).toEqual({ success: true, messages: [], data: [], meta: { nextCursor: null } });
  });

  // Forged cursors whose time is no date (a string, or beyond what a Date holds) were a 500.
  const forged = (position: object) => `cursor=${Buffer.from(JSON.stringify(position)).toString('base64url')}`;
  it.each(['limit=0', 'limit=201', 'limit=abc', 'cursor=not-a-cursor', 'name[$ne]=x', 'colour=red', forged({ createdAt: 1e300, id: 'x' }), forged({ createdAt: 'x', id: 'x' })])('answers ?%s with 400', async (query) => {
    const res = await svc.as(owner).get(`/api/v1/apitokens?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.errors.length).toBeGreaterThan(0);
  });
});

describe('get, patch, rotate, delete on someone else’s or a non-existent token', () => {
  let aliceToken: string;
  beforeAll(async () => {
    aliceToken = (await create(alice, { name: 'alice-only' })).id;
  });

  it.each([
    ['get', (id: string) => svc.as(bob).get(`/api/v1/apitokens/${id}`)],
    ['patch', (id: string) => svc.as(bob).patch(`/api/v1/apitokens/${id}`, { name: 'mine now' })],
    ['rotate', (id: string) => svc.as(bob).post(`/api/v1/apitokens/${id}/rotate`, {})],
    ['delete', (id: string) => svc.as(bob).delete(`/api/v1/apitokens/${id}`)],
  ])('%s is 404 for another account’s token, a random UUID and a non-UUID', async (_name, call) => {
    for (const id of [aliceToken, randomUUID(), 'not-a-uuid', '..%2F..%2Fadmin']) {
      const res = await call(id);
      expect(res.status).toBe(404);
      expect(res.body.success).toBe(false);
    }
    const still = await svc.as(alice).get(`/api/v1/apitokens/${aliceToken}`);
    expect(still.status).toBe(200);
    expect(still.body.data.name).toBe('alice-only');
  });
});

describe('get and patch', () => {
  it('returns metadata with the masked hint', async () => {
    const created = await create(alice, { name: 'to-read' });
    const res = await svc.as(alice).get(`/api/v1/apitokens/${created.id}`);
    expect(res.status).toBe(200);
    const { token: _secret, ...metadata } = created;
    expect(res.body).toEqual({ success: true, messages: [], data: metadata });
    expect(JSON.stringify(res.body)).not.toContain(created.token);
  });

  it('bumps authVersion and the Redis version for each auth-affecting change, not for a rename', async () => {
    const { id } = await create(alice, { name: 'versioned' });
    const version = async () => (await svc.models.apiTokens.findById(id).lean())?.authVersion;
    const signal = () => svc.redis.get(tokenVersionKey(alice.accountId, id));

    const rename = await svc.as(alice).patch(`/api/v1/apitokens/${id}`, { name: 'renamed' });
    expect(rename.status).toBe(200);
    expect(rename.body.messages).toEqual(['API token updated.']);
    expect(rename.body.data.name).toBe('renamed');
    expect(await version()).toBe(1);

    const changes: Record<string, unknown>[] = [
      { enabled: false },
      { enabled: true },
      { scopes: ['audit:read'] },
      { allowedIps: ['192.0.2.0/24'] },
      { expiresAt: new Date(Date.now() + 3_600_000).toISOString() },
      { expiresAt: null },
      { rateLimit: { limit: 5, windowSeconds: 10 } },
      { rateLimit: null },
    ];
    let expected = 1;
    for (const change of changes) {
      const res = await svc.as(alice).patch(`/api/v1/apitokens/${id}`, change);
      expect(res.status).toBe(200);
      expect(res.body.data).toMatchObject(change);
      expected += 1;
      expect(await version()).toBe(expected);
      expect(await signal()).toBe(String(expected));
    }

    // The same value again changes nothing and bumps nothing.
    await svc.as(alice).patch(`/api/v1/apitokens/${id}`, { rateLimit: null, name: 'renamed' });
    expect(await version()).toBe(expected);

    const rotated = await svc.as(alice).post(`/api/v1/apitokens/${id}/rotate`);
    secrets.push(rotated.body.data.token);
    expect(await version()).toBe(expected + 1);
    expect(await signal()).toBe(String(expected + 1));

    const revoked = await svc.as(alice).delete(`/api/v1/apitokens/${id}`);
    expect(revoked.status).toBe(200);
    expect(revoked.body).toEqual({ success: true, messages: ['API token revoked.'], data: { id, deleted: true } });
    expect(await signal()).toBe('revoked');
    expect((await svc.as(alice).get(`/api/v1/apitokens/${id}`)).status).toBe(404);
    expect((await svc.as(alice).delete(`/api/v1/apitokens/${id}`)).status).toBe(404);
  });

  it('refuses scope escalation on patch, and any change or rotation of a more powerful token', async () => {
    const { id } = await create(alice, { name: 'powerful' });
    const narrow = testIdentity({ accountId: alice.accountId, scopes: ['tokens:read', 'tokens:write'] });
    const patch = await svc.as(narrow).patch(`/api/v1/apitokens/${id}`, { scopes: ['tokens:read', 'audit:read'] });
    expect(patch.status).toBe(403);
    expect(patch.body.detail).toMatch(/scope escalation/i);
    const renaming = await svc.as(narrow).patch(`/api/v1/apitokens/${id}`, { name: 'still powerful' });
    expect(renaming.status).toBe(403);
    expect(renaming.body.errors).toEqual([expect.objectContaining({ path: 'token.scopes' })]);
    const rotate = await svc.as(narrow).post(`/api/v1/apitokens/${id}/rotate`, {});
    expect(rotate.status).toBe(403);
    expect(rotate.body.detail).toMatch(/scope escalation/i);
    expect((await svc.models.apiTokens.findById(id).lean())?.scopes).toEqual([...ALL_SCOPES]);
  });

  it.each([
    [{}, 'body'],
    [{ type: 'service' }, 'body.type'],
    [{ secretHash: 'x' }, 'body.secretHash'],
    [{ allowedIps: ['10.0.0.1', 'fe80::/129'] }, 'body.allowedIps[1]'],
    [{ expiresAt: '2001-01-01T00:00:00Z' }, 'body.expiresAt'],
    [{ enabled: 'no' }, 'body.enabled'],
  ])('answers patch %j with a 400 naming %s', async (body, path) => {
    const { id } = await create(alice, { name: 'patch-target' });
    const res = await svc.as(alice).patch(`/api/v1/apitokens/${id}`, body);
    expect(res.status).toBe(400);
    expect((res.body.errors as { path: string }[]).some((error) => error.path.startsWith(path))).toBe(true);
  });
});

describe('rotate', () => {
  it('without grace: same id and settings, new secret, the old one refused at once', async () => {
    const created = await create(alice, { name: 'rotating', scopes: ['audit:read'], allowedIps: ['10.0.0.0/8'] });
    expect((await internalVerify(created.token)).status).toBe(200);
    const res = await svc.as(alice).post(`/api/v1/apitokens/${created.id}/rotate`);
    expect(res.status).toBe(200);
    const rotated = res.body.data;
    secrets.push(rotated.token);
    expect(rotated).toMatchObject({ id: created.id, name: 'rotating', scopes: ['audit:read'], allowedIps: ['10.0.0.0/8'] });
    expect(rotated.token).not.toBe(created.token);
    expect(rotated.hint).toBe(`wdn_…${rotated.token.slice(-4)}`);
    expect(Date.parse(rotated.previousSecretExpiresAt)).toBeLessThanOrEqual(Date.now());

    const old = await internalVerify(created.token);
    expect(old.status).toBe(401);
    const fresh = await internalVerify(rotated.token);
    expect(fresh.status).toBe(200);
    expect(fresh.body.data).toMatchObject({ tokenId: created.id, authVersion: 2, secretExpiresAt: null });
  });

  it('with grace: the old secret works until the grace period ends, then is refused', async () => {
    const created = await create(alice, { name: 'graceful' });
    const res = await svc.as(alice).post(`/api/v1/apitokens/${created.id}/rotate`, { gracePeriodSeconds: 3600 });
    expect(res.status).toBe(200);
    secrets.push(res.body.data.token);
    const graceEnd = Date.parse(res.body.data.previousSecretExpiresAt);
    expect(graceEnd).toBeGreaterThan(Date.now() + 3_590_000);

    const old = await internalVerify(created.token);
    expect(old.status).toBe(200);
    expect(old.body.data).toMatchObject({ tokenId: created.id, authVersion: 2 });
    expect(Date.parse(old.body.data.secretExpiresAt)).toBe(graceEnd);
    expect((await internalVerify(res.body.data.token)).body.data.secretExpiresAt).toBeNull();

    skewMs = 3_601_000;
    const late = await internalVerify(created.token);
    expect(late.status).toBe(401);
    expect(late.body.reason).toBe('rotated');
    expect((await internalVerify(res.body.data.token)).status).toBe(200);
  });

  it('answers a bad grace period with 400', async () => {
    const { id } = await create(alice, { name: 'bad-grace' });
    for (const body of [{ gracePeriodSeconds: -1 }, { gracePeriodSeconds: 604_801 }, { grace: 10 }]) {
      expect((await svc.as(alice).post(`/api/v1/apitokens/${id}/rotate`, body)).status).toBe(400);
    }
  });
});

describe('GET /api/v1/apitokens/verify', () => {
  it('describes the calling token exactly', async () => {
    const created = await create(alice, { name: 'self', scopes: ['audit:read'] });
    const caller = testIdentity({ accountId: alice.accountId, tokenId: created.id, name: 'self', scopes: ['audit:read'] });
    const res = await svc.as(caller).get('/api/v1/apitokens/verify');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      success: true,
      messages: ['Congratulations, your API Token works.'],
      data: { id: created.id, name: 'self', type: 'api', scopes: ['audit:read'], accountId: alice.accountId, expiresAt: null },
    });
  });

  it('describes the token the gateway verified, expiry included, without a database read', async () => {
    // The gateway checks existence, revocation and expiry on every request; the service reports
    // exactly what the signed identity says, so an identity for no stored token is still echoed.
    // A service of its own with no background work (no relay polls), so every MongoDB command it
    // sends is one a request caused.
    const quiet = await startTokenService({ relay: false, monitorCommands: true });
    try {
      const identity = testIdentity({ name: 'signed', scopes: ['tokens:read'], tokenExpiresAt: '2030-01-01T00:00:00.000Z' });
      quiet.commands.length = 0;
      const res = await quiet.as(identity).get('/api/v1/apitokens/verify');
      expect(res.status).toBe(200);
      expect(res.body.data).toEqual({
        id: identity.tokenId,
        name: 'signed',
        type: 'api',
        scopes: ['tokens:read'],
        accountId: identity.accountId,
        expiresAt: '2030-01-01T00:00:00.000Z',
      });
      expect(quiet.commands).toEqual([]);
      // The monitor does see reads: the same identity asking for its token by id costs a lookup.
      expect((await quiet.as(identity).get(`/api/v1/apitokens/${identity.tokenId}`)).status).toBe(404);
      expect(quiet.commands).toContain('find');
    } finally {
      await quiet.close();
    }
  });

  it('refuses a caller that is not an API token', async () => {
    const res = await svc.as(testIdentity({ kind: 'service', tokenId: undefined, tokenType: undefined, name: 'billing' })).get('/api/v1/apitokens/verify');
    expect(res.status).toBe(401);
  });
});

describe('service-to-service', () => {
  it('refuses unsigned requests', async () => {
    const { default: request } = await import('supertest');
    expect((await request(svc.app).get('/api/v1/apitokens')).status).toBe(401);
  });
});

it('never wrote a token secret to the log', () => {
  const file = process.env.WARDEN_TEST_LOG_FILE;
  expect(file).toBeTruthy();
  const log = readFileSync(file as string, 'utf8');
  expect(secrets.length).toBeGreaterThan(10);
  for (const secret of secrets) expect(log).not.toContain(secret);
});
