import { Redis } from 'ioredis';
import { accountLimitKey } from '@warden/api-token';
import { createAuditEventsQueue, createRedis } from '@warden/queue';
import { testInfra, uniqueName } from '@warden/testing';
import { parseAccountRateLimit, runAccountsCreate, runAccountsRateLimit } from '../cli/commands/accounts';
import { bootstrapToken, client, startGateway } from '../../apps/gateway/src/test/gateway-harness';
import { operatorPlatformForSuite } from './operator-platform';

const LIST = '/api/v1/apitokens?limit=1';
/** The deployment's default account quota in these tests; each token alone may make 1 000 a minute. */
const ACCOUNT_LIMIT = 6;

/**
 * The attack: multiply a quota by minting tokens (each with its own per-token quota) and spreading
 * requests over them and over gateway replicas. The answer: every token of an account also spends
 * one account-wide quota, counted in the same Redis call on every replica; the operator sets an
 * account's own with `warden accounts rate-limit`, in force on every replica once the command returns.
 */
describe('account-wide quota: every token of an account shares one, on every gateway replica', () => {
  const { redisUrl } = testInfra();
  const queuePrefix = uniqueName('q');
  const platform = operatorPlatformForSuite({
    RATE_LIMIT_KEY_PREFIX: `${uniqueName('rl')}:`,
    RATE_LIMIT_PER_ACCOUNT: String(ACCOUNT_LIMIT),
    RATE_LIMIT_ACCOUNT_WINDOW_SECONDS: '60',
  });
  const env = () => platform.env();

  /** An account (from the operator's CLI) with two tokens: its first, and one it created through replica 0. */
  async function accountWithTwoTokens(name: string) {
    const created = await runAccountsCreate(name, env(), { queuePrefix });
    const second = await platform.clients[0].call('POST', '/api/v1/apitokens', created.token, { name: 'second', scopes: ['tokens:read'] });
    expect(second.status).toBe(201);
    return { accountId: created.account.id, secrets: [created.token, second.body.data.token as string] };
  }

  it('refuses the account past its quota whichever token and replica the requests use, naming "per-account" beside "per-token"', async () => {
    const { secrets } = await accountWithTwoTokens('Spread Inc');
    const other = await bootstrapToken(platform.tokens.url);
    const answers = [];
    // The token creation above spent one; spread the rest over both tokens and both replicas.
    for (let i = 0; i < ACCOUNT_LIMIT; i++) answers.push(await platform.clients[i % 2].call('GET', LIST, secrets[Math.floor(i / 2) % 2]));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200, 429]);
    for (const answer of answers.slice(0, 5)) {
      expect(answer.headers['ratelimit-policy']).toBe(`"per-token";q=1000;w=60, "per-account";q=${ACCOUNT_LIMIT};w=60`);
    }
    expect(answers.slice(0, 5).map((answer) => answer.headers.ratelimit.replace(/;t=\d+$/, ''))).toEqual([4, 3, 2, 1, 0].map((r) => `"per-account";r=${r}`));
    const refused = answers[5];
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.body).toMatchObject({ status: 429 });
    expect(refused.headers['ratelimit-policy']).toBe(`"per-token";q=1000;w=60, "per-account";q=${ACCOUNT_LIMIT};w=60`);
    expect(refused.headers.ratelimit).toMatch(/^"per-account";r=0;t=\d+$/);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    // Neither token gets around it on either replica.
    for (const c of platform.clients) expect((await c.call('GET', LIST, secrets[0])).status).toBe(429);

    // Another account has its own quota; where a token's own quota is the tighter one, only "per-token" is named.
    const elsewhere = await platform.clients[1].call('GET', LIST, other.secret);
    expect(elsewhere.status).toBe(200);
    expect(elsewhere.headers['ratelimit-policy']).toBe(`"per-token";q=1000;w=60, "per-account";q=${ACCOUNT_LIMIT};w=60`);
    const narrow = await platform.clients[1].call('POST', '/api/v1/apitokens', other.secret, { name: 'narrow', scopes: ['tokens:read'], rateLimit: { limit: 3, windowSeconds: 60 } });
    expect(narrow.status).toBe(201);
    const tokenBinds = await platform.clients[0].call('GET', LIST, narrow.body.data.token);
    expect(tokenBinds.status).toBe(200);
    expect(tokenBinds.headers['ratelimit-policy']).toBe('"per-token";q=3;w=60');
    expect(tokenBinds.headers.ratelimit).toMatch(/^"per-token";r=2;t=\d+$/);
  });

  it("applies the operator's quota for one account on every replica once the command returns, without re-verifying tokens, and records it", async () => {
    const { accountId, secrets } = await accountWithTwoTokens('Operated Ltd');
    // Verified and cached (replica 0 both, by the creation and this call; replica 1 the first), under the default quota: 3 of 6 spent.
    expect((await platform.clients[0].call('GET', LIST, secrets[1])).status).toBe(200);
    expect((await platform.clients[1].call('GET', LIST, secrets[0])).headers['ratelimit-policy']).toContain(`"per-account";q=${ACCOUNT_LIMIT};w=60`);
    const verified = platform.tokens.verifyCalls();

    const lowered = await runAccountsRateLimit(accountId, { limit: 4, windowSeconds: 60 }, env(), { queuePrefix });
    expect(lowered).toMatchObject({ account: { id: accountId, rateLimit: { limit: 4, windowSeconds: 60 } }, changed: true, published: true });
    const fourth = await platform.clients[1].call('GET', LIST, secrets[0]);
    expect(fourth.status).toBe(200);
    expect(fourth.headers['ratelimit-policy']).toBe('"per-token";q=1000;w=60, "per-account";q=4;w=60');
    expect(fourth.headers.ratelimit).toMatch(/^"per-account";r=0;t=\d+$/);
    const fifth = await platform.clients[0].call('GET', LIST, secrets[0]);
    expect(fifth.status).toBe(429);
    expect(fifth.headers['ratelimit-policy']).toBe('"per-token";q=1000;w=60, "per-account";q=4;w=60');

    const raised = await runAccountsRateLimit(accountId, { limit: 100, windowSeconds: 60 }, env(), { queuePrefix });
    expect(raised.changed).toBe(true);
    for (const c of platform.clients) {
      const answer = await c.call('GET', LIST, secrets[0]);
      expect(answer.status).toBe(200);
      expect(answer.headers['ratelimit-policy']).toBe('"per-token";q=1000;w=60, "per-account";q=100;w=60');
    }
    // In force through Redis alone: no replica asked the token service again.
    expect(platform.tokens.verifyCalls()).toBe(verified);

    const stored = await platform.tokens.mongo.collection('accounts').findOne({ _id: accountId as never });
    expect(stored).toMatchObject({ rateLimit: { limit: 100, windowSeconds: 60 }, revision: 2 });
    // Published, and kept in the outbox until the audit service confirms it recorded them.
    expect(stored?.outbox.length).toBeGreaterThan(0);
    expect(stored?.outbox.every((event: { id: string }) => Boolean(stored.outboxPublishedAt?.[event.id]))).toBe(true);
    const producer = createRedis(redisUrl, 'producer');
    const queue = createAuditEventsQueue(producer, queuePrefix);
    try {
      const jobs = await queue.getJobs(['waiting', 'active', 'completed', 'delayed', 'prioritized']);
      const updates = jobs
        .map((job) => job.data.event)
        .filter((event) => event.objectId === accountId && event.auditType === 'Updated' && event.accountId === accountId)
        .map((event) => event.detail.update);
      // Each change is recorded twice: in the account's chain and in the platform's.
      const platformUpdates = jobs.map((job) => job.data.event).filter((event) => event.objectId === accountId && event.auditType === 'Updated' && event.accountId === 'platform');
      expect(platformUpdates.map((event) => event.detail.update)).toEqual(expect.arrayContaining(updates));
      expect(updates).toEqual(
        expect.arrayContaining([
          { prior: { name: 'Operated Ltd', rateLimit: null }, after: { name: 'Operated Ltd', rateLimit: { limit: 4, windowSeconds: 60 } } },
          { prior: { name: 'Operated Ltd', rateLimit: { limit: 4, windowSeconds: 60 } }, after: { name: 'Operated Ltd', rateLimit: { limit: 100, windowSeconds: 60 } } },
        ]),
      );
      expect(updates).toHaveLength(2);
    } finally {
      await queue.close();
      producer.disconnect();
    }

    // The same quota again writes nothing; `--default` returns to the deployment's default, spent already.
    expect(await runAccountsRateLimit(accountId, { limit: 100, windowSeconds: 60 }, env(), { queuePrefix })).toMatchObject({ changed: false });
    expect(await runAccountsRateLimit(accountId, null, env(), { queuePrefix })).toMatchObject({ changed: true, account: { rateLimit: null } });
    const back = await platform.clients[1].call('GET', LIST, secrets[1]);
    expect(back.status).toBe(429);
    expect(back.headers['ratelimit-policy']).toBe(`"per-token";q=1000;w=60, "per-account";q=${ACCOUNT_LIMIT};w=60`);
  });

  it("keeps the account's quota when Redis loses the operator's value: a verification carries it from the database", async () => {
    const { accountId, secrets } = await accountWithTwoTokens('Durable GmbH');
    await runAccountsRateLimit(accountId, { limit: 50, windowSeconds: 30 }, env(), { queuePrefix });
    const redis = new Redis(redisUrl);
    try {
      await redis.del(accountLimitKey(accountId));
    } finally {
      redis.disconnect();
    }
    // A replica that has not verified the token yet reads the quota with the verification.
    const fresh = await startGateway(platform.tokens.url, { RATE_LIMIT_PER_ACCOUNT: String(ACCOUNT_LIMIT) });
    const freshClient = client(fresh.url);
    try {
      const answer = await freshClient.call('GET', LIST, secrets[1]);
      expect(answer.status).toBe(200);
      expect(answer.headers['ratelimit-policy']).toBe('"per-token";q=1000;w=60, "per-account";q=50;w=30');
    } finally {
      await freshClient.close();
      await fresh.close();
    }
  });

  it('fails the command when Redis cannot take the quota, keeps it in the database, and completes it on the repeat', async () => {
    const { accountId, secrets } = await accountWithTwoTokens('Unreachable SA');
    const noRedis = { ...env(), REDIS_URL: 'redis://127.0.0.1:1' };
    await expect(runAccountsRateLimit(accountId, { limit: 2, windowSeconds: 60 }, noRedis, { signalWaitMs: 200 })).rejects.toThrow(
      /has its new quota in the database, but Redis did not take it.*Repeat the command/,
    );
    expect(await platform.tokens.mongo.collection('accounts').findOne({ _id: accountId as never })).toMatchObject({ rateLimit: { limit: 2, windowSeconds: 60 } });
    expect(await runAccountsRateLimit(accountId, { limit: 2, windowSeconds: 60 }, env(), { queuePrefix })).toMatchObject({ changed: false, published: true });
    // One spent by the token creation: the next is the second and last.
    expect((await platform.clients[1].call('GET', LIST, secrets[0])).status).toBe(200);
    expect((await platform.clients[0].call('GET', LIST, secrets[1])).status).toBe(429);
  });

  it('names an unknown account and refuses a malformed quota before touching anything', async () => {
    await expect(runAccountsRateLimit('00000000-0000-4000-8000-000000000000', { limit: 5, windowSeconds: 60 }, env())).rejects.toMatchObject({
      message: 'No account with id 00000000-0000-4000-8000-000000000000.',
      exitCode: 1,
    });
    expect(parseAccountRateLimit({ limit: '600' })).toEqual({ limit: 600, windowSeconds: 60 });
    expect(parseAccountRateLimit({ limit: '10', window: '1' })).toEqual({ limit: 10, windowSeconds: 1 });
    expect(parseAccountRateLimit({ default: true })).toBeNull();
    for (const bad of [{}, { limit: '0' }, { limit: '1.5' }, { limit: '-3' }, { limit: '10', window: '0' }, { limit: '10', window: '86401' }, { default: true, limit: '5' }]) {
      expect(() => parseAccountRateLimit(bad)).toThrow(expect.objectContaining({ exitCode: 2 }));
    }
  });
});
