// The whole platform on a real Redis Cluster: three `redis-server` masters on loopback ports, slots
// assigned by `redis-cli --cluster create` (tools/infra/redis-cluster.mjs), every service and two
// gateway replicas given its `redis+cluster://` seed list as REDIS_URL. The token path
// (authenticate, revoke across both gateways, the per-token quota, last use) and the audit path
// (events recorded, the chain verifies) run on it, and the keys land where the hash tags put them.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import readline from 'node:readline';
import request from 'supertest';
import type { Cluster } from 'ioredis';
import { accountLimitKey, lastUsedKey, tokenVersionKey } from '@warden/api-token';
import { createRedis, redisReady } from '@warden/queue';
import { TokenLastUsedRepository } from '@warden/tokens-data-access';
import { eventually, testLogger } from '@warden/testing';
import { LastUsedFlusher } from '../../apps/token-service/src/domain/last-used-flusher';
import { startPlatform, type Platform } from './console/platform';

const root = join(__dirname, '..', '..');
const RATE_LIMIT_KEY_PREFIX = 'warden:rl:cluster:';

/** `node tools/infra/redis-cluster.mjs`: prints the cluster's URL, stops it on SIGTERM or when our end of its stdin closes. */
async function startCluster(): Promise<{ url: string; process: ChildProcess }> {
  const child = spawn(process.execPath, [join(root, 'tools/infra/redis-cluster.mjs')], { stdio: ['pipe', 'pipe', 'pipe'] });
  const stderr: string[] = [];
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  const lines = readline.createInterface({ input: child.stdout });
  const url = await new Promise<string>((resolve, reject) => {
    lines.on('line', (line) => {
      if (line.startsWith('REDIS_URL=')) resolve(line.slice('REDIS_URL='.length));
    });
    child.once('exit', (code) => reject(new Error(`the Redis Cluster did not start (${code}): ${stderr.join('')}`)));
  });
  return { url, process: child };
}

describe('Warden on a real three-master Redis Cluster', () => {
  let cluster: { url: string; process: ChildProcess };
  let platform: Platform;
  let redis: Cluster;

  const call = (base: string, secret: string, method: 'get' | 'post' | 'delete', path: string, body?: object) => {
    const req = request(base)[method](path).set('Authorization', `Bearer ${secret}`);
    return body === undefined ? req : req.send(body);
  };
  const createToken = async (body: object) => {
    const response = await call(platform.urls[0], platform.admin.secret, 'post', '/api/v1/apitokens', body);
    expect(response.status).toBe(201);
    return { id: response.body.data.id as string, secret: response.body.data.token as string };
  };
  const masters = () => redis.nodes('master');
  async function keysOn(node: ReturnType<typeof masters>[number], pattern: string): Promise<string[]> {
    const found: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1_000);
      found.push(...keys);
      cursor = next;
    } while (cursor !== '0');
    return found;
  }
  const slotOf = async (key: string) => Number(await redis.call('CLUSTER', 'KEYSLOT', key));

  beforeAll(async () => {
    cluster = await startCluster();
    platform = await startPlatform({ redisUrl: cluster.url, gateways: 2, gatewayEnv: { RATE_LIMIT_KEY_PREFIX } });
    redis = createRedis(cluster.url, 'client') as Cluster;
    await redisReady(redis);
  }, 120_000);

  afterAll(async () => {
    redis?.disconnect();
    await platform?.close();
    if (cluster && cluster.process.exitCode === null) {
      const exited = once(cluster.process, 'exit');
      cluster.process.kill('SIGTERM');
      await exited;
    }
  }, 60_000);

  it('runs on three masters that share the 16384 slots', async () => {
    expect(cluster.url).toMatch(/^redis\+cluster:\/\/127\.0\.0\.1:\d+,127\.0\.0\.1:\d+,127\.0\.0\.1:\d+$/);
    expect(masters()).toHaveLength(3);
    expect(String(await redis.call('CLUSTER', 'INFO'))).toMatch(/cluster_state:ok[\s\S]*cluster_slots_assigned:16384/);
  });

  it('authenticates a token through either gateway, and a revoke through one refuses it on both at once', async () => {
    const token = await createToken({ name: 'on-the-cluster', scopes: ['tokens:read'] });
    // Cached on both replicas: from here each checks the token's version key in its one script call.
    for (const url of platform.urls) expect((await call(url, token.secret, 'get', '/api/v1/apitokens/verify')).status).toBe(200);
    for (const url of platform.urls) expect((await call(url, token.secret, 'get', '/api/v1/apitokens/verify')).status).toBe(200);
    expect(await redis.get(tokenVersionKey(platform.admin.accountId, token.id))).toBe('1');

    expect((await call(platform.urls[1], platform.admin.secret, 'delete', `/api/v1/apitokens/${token.id}`)).status).toBe(200);
    const after = await Promise.all(platform.urls.map((url) => call(url, token.secret, 'get', '/api/v1/apitokens/verify')));
    expect(after.map((response) => response.status)).toEqual([401, 401]);
    expect(await redis.get(tokenVersionKey(platform.admin.accountId, token.id))).toBe('revoked');
  });

  it("refuses the request past a token's own quota, counted across both gateways", async () => {
    const token = await createToken({ name: 'metered', scopes: ['tokens:read'], rateLimit: { limit: 3, windowSeconds: 60 } });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await call(platform.urls[i % 2], token.secret, 'get', '/api/v1/apitokens/verify')).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  it("keeps every key of one account in one slot, and moves the account's last use to MongoDB", async () => {
    const token = await createToken({ name: 'tagged', scopes: ['tokens:read'] });
    expect((await call(platform.urls[0], token.secret, 'get', '/api/v1/apitokens/verify')).status).toBe(200);
    const account = platform.admin.accountId;
    const keys = [
      tokenVersionKey(account, token.id),
      `${RATE_LIMIT_KEY_PREFIX}win:tok:{${account}}:${token.id}`,
      `${RATE_LIMIT_KEY_PREFIX}win:acct:{${account}}`,
      accountLimitKey(account),
      lastUsedKey(account),
    ];
    const slots = new Set(await Promise.all(keys.map(slotOf)));
    expect(slots.size).toBe(1);
    // The gateway's script wrote them (the quota key is written only when an operator sets one).
    for (const key of [keys[0], keys[1], keys[2]]) expect(await redis.exists(key)).toBe(1);
    expect(await redis.hget(lastUsedKey(account), token.id)).not.toBeNull();

    // The flusher finds every account's hash by SCAN on each master. The token service's own timer
    // may move it first; either way the use arrives.
    const flusher = new LastUsedFlusher(redis, new TokenLastUsedRepository(platform.databases.tokens), testLogger('token-service'));
    const lastUsedAt = await eventually(
      async () => {
        await flusher.flush();
        return (await call(platform.urls[0], platform.admin.secret, 'get', `/api/v1/apitokens/${token.id}`)).body.data.lastUsedAt as string | null;
      },
      (value) => value !== null,
      20_000,
    );
    expect(Date.parse(lastUsedAt as string)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('spreads the accounts over the masters', async () => {
    const accounts = await Promise.all(Array.from({ length: 12 }, (_, i) => platform.newAccount({ name: `spread-${i}` })));
    for (const account of accounts) expect((await call(platform.urls[0], account.secret, 'get', '/api/v1/apitokens/verify')).status).toBe(200);
    const perMaster = await Promise.all(masters().map((node) => keysOn(node, 'warden:tokver:{*}:*')));
    const holding = perMaster.filter((keys) => accounts.some((account) => keys.includes(tokenVersionKey(account.accountId, account.id))));
    expect(holding.length).toBeGreaterThanOrEqual(2);
    // Each key sits on the master that owns its slot: no key of one account on two masters.
    for (const account of accounts) {
      expect(perMaster.filter((keys) => keys.includes(tokenVersionKey(account.accountId, account.id)))).toHaveLength(1);
    }
  });

  it("keeps authenticating, counting and revoking while the account's slot moves to another master", async () => {
    const account = await platform.newAccount({ name: 'moving' });
    const token = await createToken({ name: 'before-the-move', scopes: ['tokens:read'] });
    const metered = await call(platform.urls[0], account.secret, 'post', '/api/v1/apitokens', { name: 'metered-move', scopes: ['tokens:read'], rateLimit: { limit: 4, windowSeconds: 60 } });
    expect(metered.status).toBe(201);
    const moving = { id: metered.body.data.id as string, secret: metered.body.data.token as string };
    for (const url of platform.urls) expect((await call(url, moving.secret, 'get', '/api/v1/apitokens/verify')).status).toBe(200);

    // Move the account's slot, with its keys, from its master to another one (what a resharding
    // does): IMPORTING on the target, MIGRATING on the source, MIGRATE every key, then the new owner.
    const slot = await slotOf(tokenVersionKey(account.accountId, moving.id));
    const nodes = masters();
    const ids = await Promise.all(nodes.map(async (node) => String(await node.call('CLUSTER', 'MYID'))));
    const owner = Number(await nodes[0].call('CLUSTER', 'COUNTKEYSINSLOT', slot)) > 0 ? 0 : Number(await nodes[1].call('CLUSTER', 'COUNTKEYSINSLOT', slot)) > 0 ? 1 : 2;
    const target = (owner + 1) % nodes.length;
    const [source, destination] = [nodes[owner], nodes[target]];
    await destination.call('CLUSTER', 'SETSLOT', slot, 'IMPORTING', ids[owner]);
    await source.call('CLUSTER', 'SETSLOT', slot, 'MIGRATING', ids[target]);
    for (;;) {
      const keys = (await source.call('CLUSTER', 'GETKEYSINSLOT', slot, 100)) as string[];
      if (keys.length === 0) break;
      await source.call('MIGRATE', '127.0.0.1', destination.options.port as number, '', 0, 5_000, 'KEYS', ...keys);
    }
    for (const node of nodes) await node.call('CLUSTER', 'SETSLOT', slot, 'NODE', ids[target]);
    expect(Number(await destination.call('CLUSTER', 'COUNTKEYSINSLOT', slot))).toBeGreaterThanOrEqual(3);

    // The gateways' clients follow MOVED to the new owner: the cached token still works, its window
    // kept its count (2 of 4 spent), and a revoke is seen by both replicas at once.
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await call(platform.urls[i % 2], moving.secret, 'get', '/api/v1/apitokens/verify')).status);
    expect(statuses).toEqual([200, 200, 429]);
    expect((await call(platform.urls[0], token.secret, 'get', '/api/v1/apitokens/verify')).status).toBe(200);
    expect((await call(platform.urls[1], account.secret, 'delete', `/api/v1/apitokens/${moving.id}`)).status).toBe(200);
    const after = await Promise.all(platform.urls.map((url) => call(url, moving.secret, 'get', '/api/v1/apitokens/verify')));
    expect(after.map((response) => response.status)).toEqual([401, 401]);
    expect(await destination.get(tokenVersionKey(account.accountId, moving.id))).toBe('revoked');
  });

  it("records the token changes in the account's audit chain through hash-tagged queues, and the chain verifies", async () => {
    const token = await createToken({ name: 'audited', scopes: ['tokens:read'] });
    expect((await call(platform.urls[0], platform.admin.secret, 'delete', `/api/v1/apitokens/${token.id}`)).status).toBe(200);
    const records = await eventually(
      async () => (await call(platform.urls[0], platform.admin.secret, 'get', `/api/v1/audit?objectId=${token.id}`)).body.data as { auditType: string }[],
      (found) => Array.isArray(found) && found.length === 2,
      30_000,
    );
    expect(records.map((record) => record.auditType).sort()).toEqual(['Created', 'Deleted']);
    const verified = await call(platform.urls[1], platform.admin.secret, 'get', '/api/v1/audit/verify');
    expect(verified.status).toBe(200);
    expect(verified.body.data).toMatchObject({ valid: true });
    expect(verified.body.data.checked).toBeGreaterThanOrEqual(2);

    // BullMQ's keys of each audit queue sit together under the hash-tagged prefix, on one master.
    const prefix = `{${platform.queuePrefix}}`;
    const holders = (await Promise.all(masters().map((node) => keysOn(node, `${prefix}:audit-events:*`)))).filter((keys) => keys.length > 0);
    expect(holders).toHaveLength(1);
    expect(holders[0]).toEqual(expect.arrayContaining([`${prefix}:audit-events:events`]));
  });
});
