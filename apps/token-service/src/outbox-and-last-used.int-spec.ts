import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import type { Job, JobType } from 'bullmq';
import { ChangeEventSigner, type SignedChangeEvent } from '@warden/contracts-events';
import { OutboxRelay, createAuditEventsQueue, createRedis, publishChangeEvent, redisReady } from '@warden/queue';
import { lastUsedKey } from '@warden/api-token';
import { TEST_KEYS, eventually, testIdentity, uniqueName } from '@warden/testing';
import { parseInternalKeys } from '@warden/config';
import { TokenLastUsedRepository, exclusiveWrite } from '@warden/tokens-data-access';
import { LastUsedFlusher } from './domain/last-used-flusher';
import { startTokenService, type TokenServiceHarness } from './test/token-service-harness';

const JOB_STATES: JobType[] = ['waiting', 'active', 'completed', 'failed', 'delayed', 'prioritized'];
const secrets: string[] = [];
let svc: TokenServiceHarness;
const signer = ChangeEventSigner.forProducer('token-service', parseInternalKeys(TEST_KEYS.INTERNAL_KEYS));

async function jobs(queue = svc.queue): Promise<Job<SignedChangeEvent>[]> {
  return queue.getJobs(JOB_STATES);
}

beforeAll(async () => {
  svc = await startTokenService();
});
afterAll(async () => {
  await svc.close();
});

describe('change events', () => {
  it('puts one event per change on audit-events, job id = event id, snapshots without secrets', async () => {
    const actor = testIdentity({ name: 'deployer', tokenType: 'service', clientIp: '203.0.113.9' });
    const created = await svc.as(actor).post('/api/v1/apitokens', { name: 'evented', scopes: ['audit:read'] });
    const id = created.body.data.id as string;
    secrets.push(created.body.data.token);
    await svc.as(actor).patch(`/api/v1/apitokens/${id}`, { name: 'evented-2', enabled: false });
    const rotated = await svc.as(actor).post(`/api/v1/apitokens/${id}/rotate`, { gracePeriodSeconds: 60 });
    secrets.push(rotated.body.data.token);
    await svc.as(actor).delete(`/api/v1/apitokens/${id}`);

    const mine = await eventually(
      async () => (await jobs()).filter((job) => job.data.event.objectId === id),
      (found) => found.length >= 4,
    );
    // Published: outboxes are empty and the tombstone is gone.
    expect(await eventually(() => svc.models.apiTokens.findById(id).lean(), (doc) => doc === null)).toBeNull();
    await svc.relay?.flush();

    const events = mine.map((job) => job.data.event).sort((a, b) => a.occurredAt.localeCompare(b.occurredAt));
    expect(mine).toHaveLength(4);
    for (const job of mine) expect(job.id).toBe(job.data.event.id);
    expect(events.map((event) => event.auditType)).toEqual(['Created', 'Updated', 'Rotated', 'Deleted']);
    for (const event of events) {
      expect(event).toMatchObject({
        accountId: actor.accountId,
        objectType: 'ApiToken',
        objectId: id,
        actor: { type: 'service', id: actor.tokenId, name: 'deployer' },
        username: 'deployer',
        remoteIp: '203.0.113.9',
      });
      const text = JSON.stringify(event);
      for (const forbidden of [...secrets, 'secretHash', 'previousSecrets', 'hint', 'wdn_']) expect(text).not.toContain(forbidden);
    }
    expect(events[0].detail.create?.after).toEqual({
      name: 'evented',
      type: 'api',
      enabled: true,
      scopes: ['audit:read'],
      allowedIps: [],
      expiresAt: null,
      // Left out, so inherited from the calling token: its quota as the gateway stated it.
      rateLimit: { limit: 60, windowSeconds: 60 },
    });
    expect(events[1].detail.update).toMatchObject({ prior: { name: 'evented', enabled: true }, after: { name: 'evented-2', enabled: false } });
    expect(events[2].detail).toMatchObject({ auditType: 'Rotated', rotation: { gracePeriodSeconds: 60 } });
    expect(events[3].detail.delete?.prior).toMatchObject({ name: 'evented-2' });
  });

  it('publishes each event once even when the relay sends it again', async () => {
    const owner = testIdentity();
    const created = await svc.as(owner).post('/api/v1/apitokens', { name: 'twice' });
    secrets.push(created.body.data.token);
    const id = created.body.data.id as string;
    const [job] = await eventually(
      async () => (await jobs()).filter((candidate) => candidate.data.event.objectId === id),
      (found) => found.length === 1,
    );
    await publishChangeEvent(svc.queue, job.data.event, signer);
    await svc.relay?.flush();
    expect((await jobs()).filter((candidate) => candidate.data.event.objectId === id)).toHaveLength(1);
  });

  it('keeps a change made while Redis is down in the outbox and publishes it once Redis is back', async () => {
    const port = await freePort();
    let redisServer = await startRedisServer(port);
    const producer = createRedis(`redis://127.0.0.1:${port}`, 'producer');
    await redisReady(producer);
    // Redis stops answering the moment the producer's queue is created, and then goes away: the
    // queue's connection cannot have finished setting itself up, the worst moment for the outage.
    redisServer.kill('SIGSTOP');
    const prefix = uniqueName('q');
    const queue = createAuditEventsQueue(producer, prefix);
    queue.on('error', () => undefined);
    let attempts = 0;
    const relay = new OutboxRelay({
      models: [svc.models.accounts, svc.models.apiTokens],
      publish: (event) => {
        attempts++;
        return publishChangeEvent(queue, event, signer);
      },
      logger: svc.logger,
      intervalMs: 100,
      exclusive: exclusiveWrite,
    });
    // From here on only this relay, whose Redis is about to go away, may publish.
    await svc.relay?.stop();
    try {
      await stopRedisServer(redisServer);
      const owner = testIdentity();
      const res = await svc.as(owner).post('/api/v1/apitokens', { name: 'during-outage' });
      expect(res.status).toBe(201);
      secrets.push(res.body.data.token);
      const id = res.body.data.id as string;
      relay.start();
      // The relay has tried to publish, and failed, more than once: the event is still in the outbox.
      expect(await eventually(async () => attempts, (count) => count >= 3, 30_000)).toBeGreaterThanOrEqual(3);
      const waiting = await svc.models.apiTokens.findById(id).lean();
      expect(waiting?.outbox).toHaveLength(1);
      const eventId = waiting?.outbox[0].id;

      redisServer = await startRedisServer(port);
      // Published (this relay asks no audit service, so the event stays in the outbox, marked).
      const publishedAt = (doc: unknown) => (doc as { outboxPublishedAt?: Record<string, Date> } | null)?.outboxPublishedAt ?? {};
      const drained = await eventually(
        () => svc.models.apiTokens.findById(id).lean(),
        (doc) => Boolean(eventId && publishedAt(doc)[eventId]),
        // The producer reconnects within its 2 s backoff; the rest is a loaded machine's slack.
        30_000,
      );
      expect(drained?.outbox.map((event) => event.id)).toEqual([eventId]);
      const published = (await jobs(queue)).filter((job) => job.data.event.objectId === id);
      expect(published.map((job) => job.id)).toEqual([eventId]);
    } finally {
      await relay.stop();
      await queue.close();
      producer.disconnect();
      await stopRedisServer(redisServer);
    }
  });
});

describe('last use', () => {
  it("writes a use the gateways reported in Redis to MongoDB on the flusher's own timer", async () => {
    const timed = await startTokenService({ env: { LAST_USED_FLUSH_MS: '200' } });
    try {
      const owner = testIdentity();
      const created = await timed.as(owner).post('/api/v1/apitokens', { name: 'used-by-timer' });
      expect(created.status).toBe(201);
      secrets.push(created.body.data.token);
      const id = created.body.data.id as string;
      expect(created.body.data.lastUsedAt).toBeNull();
      const at = Date.now() - 1_234;
      // What a gateway does on a request; nothing here calls the flusher, only its timer runs.
      await timed.redis.hset(lastUsedKey(owner.accountId), id, String(at));
      const lastUsedAt = await eventually(
        async () => {
          const stored = (await timed.as(owner).get(`/api/v1/apitokens/${id}`)).body.data.lastUsedAt as string | null;
          // Every token service of this test run flushes every account's hash (one Redis): one of
          // another suite, on its own database, may have taken the entry first. Report the use again then.
          if (stored === null) await timed.redis.hsetnx(lastUsedKey(owner.accountId), id, String(at));
          return stored;
        },
        (stored) => stored !== null,
        20_000,
      );
      expect(lastUsedAt).toBe(new Date(at).toISOString());
    } finally {
      await timed.close();
    }
  });

  it('moves the gateways’ last-use hashes (one per account, and the previous release’s one) to MongoDB in one batch, only forwards, without an event', async () => {
    const prefix = uniqueName('lastused');
    const legacy = `${prefix}-legacy`;
    const flusher = new LastUsedFlusher(svc.redis, new TokenLastUsedRepository(svc.mongo), svc.logger, { pattern: `${prefix}:{*}`, legacyKey: legacy });
    const owner = testIdentity();
    const ids: string[] = [];
    for (const name of ['used-a', 'used-b']) {
      const res = await svc.as(owner).post('/api/v1/apitokens', { name });
      secrets.push(res.body.data.token);
      ids.push(res.body.data.id);
    }
    await svc.relay?.flush();
    const before = (await jobs()).length;
    const t1 = Date.now() - 5_000;
    const t2 = Date.now();
    const key = `${prefix}:{${owner.accountId}}`;
    // ids[1] was also used through a gateway of the previous release, earlier: the later use counts.
    await svc.redis.hset(key, ids[0], String(t1), ids[1], String(t2), 'not-a-token', '12');
    await svc.redis.hset(legacy, ids[1], String(t2 - 1_000));
    expect(await flusher.flush()).toBe(2);
    expect(await svc.redis.exists(key, legacy)).toBe(0);
    const read = async (id: string) => (await svc.as(owner).get(`/api/v1/apitokens/${id}`)).body.data;
    expect((await read(ids[0])).lastUsedAt).toBe(new Date(t1).toISOString());
    expect((await read(ids[1])).lastUsedAt).toBe(new Date(t2).toISOString());
    const updatedAt = (await read(ids[0])).updatedAt;

    // An older report does not move the time back; a newer one moves it forward.
    await svc.redis.hset(key, ids[0], String(t1 - 60_000), ids[1], String(t2 + 1_000));
    await flusher.flush();
    expect((await read(ids[0])).lastUsedAt).toBe(new Date(t1).toISOString());
    expect((await read(ids[1])).lastUsedAt).toBe(new Date(t2 + 1_000).toISOString());
    expect((await read(ids[0])).updatedAt).toBe(updatedAt);

    expect(await flusher.flush()).toBe(0);
    await svc.relay?.flush();
    expect((await jobs()).length).toBe(before);
    // Published and confirmed by the (stand-in) audit service: the outboxes are empty.
    const docs = await eventually(
      () => svc.models.apiTokens.find({ _id: { $in: ids } }).lean(),
      (found) => found.every((doc) => doc.outbox.length === 0),
    );
    for (const doc of docs) expect(doc.outbox).toEqual([]);
    await flusher.stop();
  });
});

it('never wrote a token secret to the log', () => {
  const log = readFileSync(process.env.WARDEN_TEST_LOG_FILE as string, 'utf8');
  expect(secrets.length).toBeGreaterThan(4);
  for (const secret of secrets) expect(log).not.toContain(secret);
});

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function startRedisServer(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const probe = createRedis(`redis://127.0.0.1:${port}`, 'client', { retryStrategy: () => 50 });
  try {
    await redisReady(probe);
  } finally {
    probe.disconnect();
  }
  return child;
}

async function stopRedisServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGKILL');
  await once(child, 'exit');
}
