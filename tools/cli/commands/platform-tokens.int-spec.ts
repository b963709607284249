import { runWarden } from '../../e2e/run-warden';
import type { Connection } from 'mongoose';
import { connectMongo } from '@warden/data';
import { createAuditEventsQueue, createRedis, redisReady } from '@warden/queue';
import { TEST_KEYS, testInfra, uniqueName } from '@warden/testing';
import { hashTokenSecret, initTokenModels } from '@warden/tokens-data-access';
import { PLATFORM_OWNER, parseTokenSecret, tokenVersionKey } from '@warden/api-token';
import { loadAccountsEnv, runAccountsCreate } from './accounts';
import { parsePlatformTokenOptions, runPlatformTokensCreate } from './platform-tokens';

// Several CLI processes (tsx) per test: minutes on a busy machine.
jest.setTimeout(300_000);

const HASH_KEY = 'cli-test-token-hash-key-0123456789abcdef';
const { mongoUrl, redisUrl } = testInfra();
const dbName = uniqueName('cliplatform');
const BOTH = 'platform:accounts:read,platform:accounts:write';
let mongo: Connection;

/** The CLI as an operator runs it; its events stay in the outbox (no INTERNAL_KEYS: the token service's relay sends them). */
const warden = (args: string[], redis = '') =>
  runWarden(['platform', 'tokens', ...args], { env: { MONGODB_URL: mongoUrl, MONGODB_DB: dbName, REDIS_URL: redis, TOKEN_HASH_KEY: HASH_KEY, INTERNAL_KEYS: '' } });
const env = (redis = '') => loadAccountsEnv({ NODE_ENV: 'test', MONGODB_URL: mongoUrl, MONGODB_DB: dbName, REDIS_URL: redis, TOKEN_HASH_KEY: HASH_KEY, INTERNAL_KEYS: TEST_KEYS.INTERNAL_KEYS });
const platformTokenCount = async () => (await initTokenModels(mongo)).apiTokens.countDocuments({ accountId: PLATFORM_OWNER });

beforeAll(async () => {
  mongo = await connectMongo(mongoUrl, dbName);
});
afterAll(async () => {
  await mongo.dropDatabase();
  await mongo.close();
});

describe('warden platform tokens create', () => {
  it('prints {"token", "secret"}: a platform token owned by no account, stored as a keyed hash, its secret printed once', async () => {
    const { stdout, stderr } = await warden(['create', '--name', 'provisioning', '--scopes', BOTH, '--allowed-ips', '10.0.0.0/8,2001:db8::1', '--expires-at', '2099-01-01T00:00:00Z', '--rate-limit', '120', '--window', '30', '--json']);
    const output = JSON.parse(stdout);
    expect(Object.keys(output).sort()).toEqual(['secret', 'token']);
    expect(output.token).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'provisioning',
      scopes: ['platform:accounts:read', 'platform:accounts:write'],
      allowedIps: ['10.0.0.0/8', '2001:db8::1'],
      expiresAt: '2099-01-01T00:00:00.000Z',
      rateLimit: { limit: 120, windowSeconds: 30 },
      createdAt: expect.any(String),
    });
    expect(parseTokenSecret(output.secret)).toEqual({ ok: true });
    expect(stdout.split(output.secret)).toHaveLength(2);
    expect(stderr).not.toContain(output.secret);

    const stored = await (await initTokenModels(mongo)).apiTokens.findById(output.token.id).lean();
    expect(stored).toMatchObject({ accountId: PLATFORM_OWNER, type: 'platform', enabled: true, secretHash: hashTokenSecret(output.secret, HASH_KEY) });
    // Its "Created" event, in the platform's chain, waits in the outbox for the token service's relay.
    expect(stored?.outbox.map((event) => [event.accountId, event.objectType, event.auditType])).toEqual([[PLATFORM_OWNER, 'ApiToken', 'Created']]);
    expect(JSON.stringify(stored?.outbox)).not.toContain(output.secret);
  });

  it('publishes its version to Redis and its event to the audit queue, signed by the CLI', async () => {
    const prefix = uniqueName('q');
    const created = await runPlatformTokensCreate(parsePlatformTokenOptions({ name: 'reader', scopes: 'platform:accounts:read' }), env(redisUrl), { queuePrefix: prefix });
    expect(created.published).toBe(true);
    expect(created.token).toMatchObject({ scopes: ['platform:accounts:read'], allowedIps: [], expiresAt: null, rateLimit: null });
    const redis = createRedis(redisUrl, 'producer');
    const queue = createAuditEventsQueue(redis, prefix);
    try {
      await redisReady(redis);
      expect(await redis.get(tokenVersionKey(PLATFORM_OWNER, created.token.id))).toBe('1');
      const jobs = await queue.getJobs(['waiting', 'active', 'completed', 'delayed', 'prioritized']);
      expect(jobs.map((job) => [job.data.producer, job.data.event.accountId, job.data.event.objectId, job.data.event.actor])).toEqual([
        ['cli', PLATFORM_OWNER, created.token.id, { type: 'operator', id: 'cli', name: 'operator' }],
      ]);
    } finally {
      await queue.close();
      redis.disconnect();
    }
  });

  it.each([
    ['an account scope', 'platform:accounts:read,tokens:write', "tokens:write: an account's scope, which a platform token never holds."],
    ['an unknown scope', 'platform:everything', 'Unknown scope platform:everything.'],
    ['no scope', ' , ', '--scopes names no scope.'],
  ])('refuses %s with exit 2 and writes nothing', async (_case, scopes, message) => {
    const before = await platformTokenCount();
    await expect(warden(['create', '--name', 'escalation', '--scopes', scopes, '--json'])).rejects.toMatchObject({
      code: 2,
      stdout: '',
      stderr: `warden: ${message} A platform token holds platform scopes only: platform:accounts:read, platform:accounts:write.\n`,
    });
    expect(await platformTokenCount()).toBe(before);
  });

  it('refuses a malformed allowlist, expiry or quota with exit 2', () => {
    const base = { name: 'n', scopes: BOTH };
    expect(() => parsePlatformTokenOptions({ ...base, allowedIps: '10.0.0.0/33' })).toThrow(expect.objectContaining({ exitCode: 2, message: '--allowed-ips: 10.0.0.0/33 is not an IPv4/IPv6 address or CIDR range.' }));
    expect(() => parsePlatformTokenOptions({ ...base, expiresAt: '2000-01-01T00:00:00Z' })).toThrow(expect.objectContaining({ exitCode: 2, message: '--expires-at must be in the future.' }));
    expect(() => parsePlatformTokenOptions({ ...base, window: '30' })).toThrow(expect.objectContaining({ exitCode: 2, message: expect.stringContaining('No quota given.') }));
    expect(() => parsePlatformTokenOptions({ ...base, rateLimit: '100001' })).toThrow(expect.objectContaining({ exitCode: 2 }));
  });
});

describe('warden platform tokens list|revoke', () => {
  it("lists live platform tokens only, never a secret or hash; revoke without Redis's signal exits 1 and the repeat completes it", async () => {
    const account = await runAccountsCreate('Tenant', env());
    const created = JSON.parse((await warden(['create', '--name', 'to-revoke', '--scopes', BOTH, '--json'])).stdout);

    const listed = await warden(['list', '--json']);
    const tokens = JSON.parse(listed.stdout) as { id: string }[];
    expect(tokens.map((token) => token.id)).toContain(created.token.id);
    expect(tokens.map((token) => token.id)).not.toContain(account.tokenId);
    expect(tokens.find((token) => token.id === created.token.id)).toEqual(created.token);
    expect(listed.stdout).not.toContain(created.secret);
    expect(listed.stdout).not.toMatch(/wdn_|secretHash|[0-9a-f]{64}/);

    await expect(warden(['revoke', created.token.id])).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('needs REDIS_URL') });
    await expect(warden(['revoke', created.token.id], 'redis://127.0.0.1:1')).rejects.toMatchObject({
      code: 1,
      stdout: '',
      stderr: expect.stringContaining(`Redis did not take the signal that refuses it on every gateway: a gateway may still accept it. Repeat \`warden platform tokens revoke ${created.token.id}\``),
    });
    const { apiTokens } = await initTokenModels(mongo);
    expect(await apiTokens.findById(created.token.id).lean()).toMatchObject({ deletedAt: expect.any(Date), keepTombstone: true });
    expect(JSON.parse((await warden(['list', '--json'])).stdout).map((token: { id: string }) => token.id)).not.toContain(created.token.id);

    const repeated = await warden(['revoke', created.token.id, '--json'], redisUrl);
    expect(JSON.parse(repeated.stdout)).toEqual({ token: { id: created.token.id }, revoked: true });
    const redis = createRedis(redisUrl, 'client');
    try {
      await redisReady(redis);
      expect(await redis.get(tokenVersionKey(PLATFORM_OWNER, created.token.id))).toBe('revoked');
    } finally {
      redis.disconnect();
    }
    expect(await apiTokens.findById(created.token.id).lean()).toMatchObject({ keepTombstone: false });
    // One "Deleted" event, in the platform's chain, however often the command ran.
    const events = (await apiTokens.findById(created.token.id).lean())?.outbox ?? [];
    expect(events.map((event) => [event.accountId, event.auditType])).toEqual([
      [PLATFORM_OWNER, 'Created'],
      [PLATFORM_OWNER, 'Deleted'],
    ]);
  });

  it("exits 1 for an unknown id and for an account's token: the command revokes platform tokens only", async () => {
    const account = await runAccountsCreate('Other tenant', env());
    for (const id of ['00000000-0000-4000-8000-000000000000', account.tokenId]) {
      await expect(warden(['revoke', id], redisUrl)).rejects.toMatchObject({ code: 1, stderr: `warden: No platform token with id ${id}.\n` });
    }
    expect(await (await initTokenModels(mongo)).apiTokens.findById(account.tokenId).lean()).toMatchObject({ deletedAt: null });
  });
});
