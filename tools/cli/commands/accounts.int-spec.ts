import { runWarden } from '../../e2e/run-warden';
import type { Connection } from 'mongoose';
import { connectMongo } from '@warden/data';
import { ALL_SCOPES } from '@warden/http';
import { createAuditEventsQueue, createRedis, redisReady } from '@warden/queue';
import { TEST_KEYS, testInfra, uniqueName } from '@warden/testing';
import { hashTokenSecret, initTokenModels } from '@warden/tokens-data-access';
import { parseTokenSecret, tokenVersionKey } from '@warden/api-token';
import { loadAccountsEnv, runAccountsCreate } from './accounts';


const HASH_KEY = 'cli-test-token-hash-key-0123456789abcdef';
const secrets: string[] = [];
/** What the CLI process printed. */
const printed: { stdout: string; stderr: string }[] = [];
const { mongoUrl, redisUrl } = testInfra();
const dbName = uniqueName('clitokens');
let mongo: Connection;

beforeAll(async () => {
  mongo = await connectMongo(mongoUrl, dbName);
});
afterAll(async () => {
  await mongo.dropDatabase();
  await mongo.close();
});

describe('warden accounts create', () => {
  it('prints {"account", "token"} as JSON: the account and a first token with every scope', async () => {
    const { stdout, stderr } = await runWarden(['accounts', 'create', '--name', 'Acme Corp', '--json'], {
      env: { MONGODB_URL: mongoUrl, MONGODB_DB: dbName, REDIS_URL: '', TOKEN_HASH_KEY: HASH_KEY },
    });
    printed.push({ stdout, stderr });
    const output = JSON.parse(stdout);
    secrets.push(output.token);
    expect(Object.keys(output).sort()).toEqual(['account', 'token']);
    expect(output.account).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), name: 'Acme Corp', createdAt: expect.any(String) });
    expect(parseTokenSecret(output.token)).toEqual({ ok: true });

    const { accounts, apiTokens } = await initTokenModels(mongo);
    expect(await accounts.findById(output.account.id).lean()).toMatchObject({ name: 'Acme Corp' });
    const token = await apiTokens.findOne({ accountId: output.account.id }).lean();
    expect(token).toMatchObject({ enabled: true, type: 'api', scopes: [...ALL_SCOPES], secretHash: hashTokenSecret(output.token, HASH_KEY) });
    // Without Redis the events wait in the outboxes for the token service's relay.
    expect(token?.outbox).toHaveLength(1);
  });

  it('writes both change events and publishes them when Redis is reachable', async () => {
    const prefix = uniqueName('q');
    const env = loadAccountsEnv({ NODE_ENV: 'test', MONGODB_URL: mongoUrl, MONGODB_DB: dbName, REDIS_URL: redisUrl, TOKEN_HASH_KEY: HASH_KEY, INTERNAL_KEYS: TEST_KEYS.INTERNAL_KEYS });
    const created = await runAccountsCreate('Globex', env, { queuePrefix: prefix });
    secrets.push(created.token);
    expect(created.published).toBe(true);

    const producer = createRedis(redisUrl, 'producer');
    const queue = createAuditEventsQueue(producer, prefix);
    try {
      const jobs = (await queue.getJobs(['waiting', 'active', 'completed', 'delayed', 'prioritized'])).filter(
        (job) => job.data.event.accountId === created.account.id,
      );
      const events = jobs.map((job) => job.data.event).sort((a, b) => a.objectType.localeCompare(b.objectType));
      expect(events.map((event) => [event.objectType, event.auditType])).toEqual([
        ['Account', 'Created'],
        ['ApiToken', 'Created'],
      ]);
      for (const job of jobs) {
        expect(job.id).toBe(job.data.event.id);
        expect(job.data).toMatchObject({ producer: 'cli', keyId: 'test-1' });
      }
      for (const event of events) {
        expect(event.actor).toEqual({ type: 'operator', id: 'cli', name: 'operator' });
        expect(JSON.stringify(event)).not.toContain(created.token);
      }
      expect(events[0].objectId).toBe(created.account.id);
      expect(events[1].objectId).toBe(created.tokenId);
      expect(events[1].detail.create?.after).toMatchObject({ scopes: [...ALL_SCOPES] });
    } finally {
      await queue.close();
      producer.disconnect();
    }
    // Gateways compare against the token's version from its first request, as for tokens the service issues.
    const redis = createRedis(redisUrl, 'client');
    try {
      await redisReady(redis);
      expect(await redis.get(tokenVersionKey(created.account.id, created.tokenId))).toBe('1');
    } finally {
      redis.disconnect();
    }
    const { accounts, apiTokens } = await initTokenModels(mongo);
    // Published, and kept in the outboxes until the audit service confirms it recorded them: the
    // token service's relay asks it and removes them then.
    // The account's "Created" goes to its own chain and the platform's; its token's to the account's.
    const account = await accounts.findById(created.account.id).lean();
    const token = await apiTokens.findById(created.tokenId).lean();
    expect(account?.outbox.map((event) => event.accountId)).toEqual([created.account.id, 'platform']);
    expect(token?.outbox.map((event) => event.accountId)).toEqual([created.account.id]);
    for (const doc of [account, token]) {
      expect(doc?.outbox.every((event) => Boolean((doc as { outboxPublishedAt?: Record<string, Date> }).outboxPublishedAt?.[event.id]))).toBe(true);
    }
  });

  it('leaves the events in the outbox when Redis does not answer', async () => {
    const env = loadAccountsEnv({ MONGODB_URL: mongoUrl, MONGODB_DB: dbName, REDIS_URL: 'redis://127.0.0.1:1', TOKEN_HASH_KEY: HASH_KEY });
    const created = await runAccountsCreate('Initech', env);
    secrets.push(created.token);
    expect(created.published).toBe(false);
    const { apiTokens } = await initTokenModels(mongo);
    expect((await apiTokens.findById(created.tokenId).lean())?.outbox).toHaveLength(1);
  });

  it('refuses to run in production without TOKEN_HASH_KEY', () => {
    expect(() => loadAccountsEnv({ NODE_ENV: 'production', MONGODB_URL: mongoUrl })).toThrow(/TOKEN_HASH_KEY/);
  });
});

describe('warden accounts disable|enable', () => {
  const run = (args: string[], redis: string) =>
    runWarden(['accounts', ...args], { env: { MONGODB_URL: mongoUrl, MONGODB_DB: dbName, REDIS_URL: redis, TOKEN_HASH_KEY: HASH_KEY } });

  it('exits 1 saying what to do when Redis does not take a disable, with the account disabled; the repeat completes it; enable needs no Redis', async () => {
    const env = loadAccountsEnv({ MONGODB_URL: mongoUrl, MONGODB_DB: dbName, REDIS_URL: '', TOKEN_HASH_KEY: HASH_KEY });
    const { account } = await runAccountsCreate('Halted', env);
    const { accounts } = await initTokenModels(mongo);

    await expect(run(['disable', account.id], 'redis://127.0.0.1:1')).rejects.toMatchObject({
      code: 1,
      stdout: '',
      stderr: expect.stringContaining(`but Redis did not take the signal that stops its tokens on every gateway: a gateway may still accept them. Repeat \`warden accounts disable ${account.id}\``),
    });
    expect(await accounts.findById(account.id).lean()).toMatchObject({ enabled: false, revision: 1 });

    const repeated = await run(['disable', account.id, '--json'], redisUrl);
    expect(JSON.parse(repeated.stdout)).toEqual({ account: { ...account, enabled: false }, changed: false });

    const enabled = await run(['enable', account.id], '');
    expect(enabled.stdout).toContain(`Account enabled: Halted (${account.id})`);
    expect(await accounts.findById(account.id).lean()).toMatchObject({ enabled: true, revision: 2 });
  });

  it('exits 1 for an account that does not exist', async () => {
    await expect(run(['disable', '00000000-0000-4000-8000-000000000000'], redisUrl)).rejects.toMatchObject({
      code: 1,
      stderr: 'warden: No account with id 00000000-0000-4000-8000-000000000000.\n',
    });
  });
});

// The CLI logs nothing (its logger is silent), so this suite adds no line to the run's log; the
// secret-hygiene suite scans that whole log for any real Warden token, these included. What the
// CLI does write is its output: the new secret exactly once, where it hands it over, and nowhere else.
it('prints a token secret only once, where it hands it over, and never on stderr', () => {
  expect(secrets).toHaveLength(3);
  expect(printed).toHaveLength(1);
  const [{ stdout, stderr }] = printed;
  expect(stdout.trim()).not.toBe('');
  expect(secrets.map((secret) => stdout.split(secret).length - 1)).toEqual([1, 0, 0]);
  expect(JSON.parse(stdout).token).toBe(secrets[0]);
  expect(secrets.filter((secret) => stderr.includes(secret))).toEqual([]);
});
