import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import request from 'supertest';
import { generateTokenSecret, tokenVersionKey } from '@warden/api-token';
import { testIdentity } from '@warden/testing';
import { startTokenService, type TokenServiceHarness } from './test/token-service-harness';

const VERIFY = '/internal/v1/tokens/verify';
const gateway = testIdentity({ kind: 'service', name: 'gateway', accountId: '-', tokenId: undefined, tokenType: undefined, scopes: [] });
const owner = testIdentity({ name: 'owner' });
const secrets: string[] = [];
let svc: TokenServiceHarness;
let skewMs = 0;

async function create(body: Record<string, unknown>) {
  const res = await svc.as(owner).post('/api/v1/apitokens', body);
  expect(res.status).toBe(201);
  secrets.push(res.body.data.token);
  return res.body.data as { id: string; token: string; [key: string]: unknown };
}

const verify = (secret: unknown, identity = gateway) => svc.as(identity).post(VERIFY, { secret });

beforeAll(async () => {
  // No relay: a revoked token stays a tombstone for as long as this suite looks at it.
  svc = await startTokenService({ relay: false, monitorCommands: true, clock: () => new Date(Date.now() + skewMs) });
});
afterAll(async () => {
  await svc.close();
});

describe('POST /internal/v1/tokens/verify', () => {
  it('answers a live token with what the gateway caches, and sets the version key', async () => {
    const settings = {
      name: 'ci',
      type: 'service',
      scopes: ['audit:read'],
      allowedIps: ['10.0.0.0/8'],
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
      rateLimit: { limit: 10, windowSeconds: 60 },
    };
    const token = await create(settings);
    await svc.redis.del(tokenVersionKey(owner.accountId, token.id));
    const res = await verify(token.token);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      success: true,
      messages: [],
      data: {
        tokenId: token.id,
        accountId: owner.accountId,
        ...settings,
        authVersion: 1,
        secretExpiresAt: null,
        // An account the operator never wrote: revision 0, the gateway's default account quota.
        accountRevision: 0,
        accountRateLimit: null,
      },
    });
    expect(await svc.redis.get(tokenVersionKey(owner.accountId, token.id))).toBe('1');
  });

  it('names the reason of each refusal in a 401 problem', async () => {
    const disabled = await create({ name: 'off', enabled: false });
    const expiring = await create({ name: 'short-lived', expiresAt: new Date(Date.now() + 60_000).toISOString() });
    const revoked = await create({ name: 'gone' });
    expect((await svc.as(owner).delete(`/api/v1/apitokens/${revoked.id}`)).status).toBe(200);

    const cases: [string, string, RegExp][] = [
      [generateTokenSecret(), 'unknown', /unknown/],
      [disabled.token, 'disabled', /disabled/],
      [revoked.token, 'revoked', /revoked/],
    ];
    for (const [secret, reason, detail] of cases) {
      const res = await verify(secret);
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 401, success: false, reason });
      expect(res.body.detail).toMatch(detail);
    }
    expect((await verify(expiring.token)).status).toBe(200);
    skewMs = 61_000;
    try {
      const expired = await verify(expiring.token);
      expect(expired.status).toBe(401);
      expect(expired.body.reason).toBe('expired');
      expect(expired.body.detail).toMatch(/expired/);
    } finally {
      skewMs = 0;
    }
  });

  it('refuses a malformed secret or a bad checksum before any database read', async () => {
    const good = generateTokenSecret();
    const typo = good.slice(0, 10) + (good[10] === 'a' ? 'b' : 'a') + good.slice(11);
    for (const [secret, reason] of [
      [typo, 'checksum'],
      ['wdn_short', 'malformed'],
      ['ghp_0123456789abcdef0123456789abcdef0123', 'malformed'],
      ['', 'malformed'],
    ]) {
      svc.commands.length = 0;
      const res = await verify(secret);
      expect(res.status).toBe(401);
      expect(res.body.reason).toBe(reason);
      expect(svc.commands).toEqual([]);
    }
    // The monitor does see reads: an unknown but well-formed secret costs one lookup.
    svc.commands.length = 0;
    expect((await verify(good)).status).toBe(401);
    expect(svc.commands).toContain('find');
  });

  it('accepts only the gateway', async () => {
    const token = await create({ name: 'target' });
    for (const identity of [
      testIdentity({ accountId: owner.accountId }),
      testIdentity({ kind: 'service', name: 'credential-service', tokenId: undefined, tokenType: undefined }),
    ]) {
      const res = await verify(token.token, identity);
      expect(res.status).toBe(403);
    }
    const unsigned = await request(svc.app).post(VERIFY).send({ secret: token.token });
    expect(unsigned.status).toBe(401);
  });

  it.each([[{}], [{ secret: 42 }], [{ secret: 'x', extra: true }], [['wdn_x']]])('answers the body %j with 400', async (body) => {
    const res = await svc.as(gateway).post(VERIFY, body as object);
    expect(res.status).toBe(400);
  });

  it('ignores an unknown previous secret and a random UUID-shaped value', async () => {
    expect((await verify(randomUUID())).status).toBe(401);
  });
});

it('never wrote a token secret to the log', () => {
  const log = readFileSync(process.env.WARDEN_TEST_LOG_FILE as string, 'utf8');
  expect(secrets.length).toBeGreaterThan(3);
  for (const secret of secrets) expect(log).not.toContain(secret);
});
