import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import type { ChangeEvent } from '@warden/contracts-events';
import { AUDIT_ANCHOR_PATH, AuditAnchors } from '@warden/queue';
import { signedCall, testIdentity } from '@warden/testing';
import { startAuditService, type AuditHarness, type RunningWorker } from '../../apps/audit-service/src/test/audit-service-harness';
import { startTokenService, type TokenServiceHarness } from '../../apps/token-service/src/test/token-service-harness';

// A change event leaves its outbox only once the audit service says it is recorded: a Redis that
// loses acknowledged writes (AOF fsync every second, a failover) costs no event.

let audit: AuditHarness;
let server: Server;
let tokens: TokenServiceHarness;
let worker: RunningWorker | undefined;

beforeAll(async () => {
  audit = await startAuditService();
  server = createServer(audit.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  tokens = await startTokenService({
    env: {
      AUDIT_QUEUE_PREFIX: audit.prefix,
      AUDIT_SERVICE_URL: `http://127.0.0.1:${port}`,
      OUTBOX_CONFIRM_AFTER_MS: '200',
      OUTBOX_REPUBLISH_AFTER_MS: '1500',
    },
  });
});

afterEach(async () => {
  await worker?.close();
  worker = undefined;
});

afterAll(async () => {
  await tokens?.close();
  await new Promise((resolve) => server?.close(resolve));
  await audit?.close();
});

interface Outboxed {
  outbox: { id: string; objectId: string }[];
  outboxPublishedAt?: Record<string, Date>;
}

const tokenDoc = async (id: string) => (await tokens.models.apiTokens.findById(id).lean()) as unknown as Outboxed | null;

async function until<T>(what: string, probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function createToken(): Promise<{ id: string; accountId: string }> {
  const identity = testIdentity({ accountId: randomUUID() });
  const res = await tokens.as(identity).post('/api/v1/apitokens', { name: 'confirmed', scopes: ['tokens:read'] });
  expect(res.status).toBe(201);
  return { id: res.body.data.id, accountId: identity.accountId };
}

it('keeps an event whose job Redis lost in the outbox, publishes it again and records it exactly once', async () => {
  const { id, accountId } = await createToken();
  const published = await until('the event to be published', () => tokenDoc(id), (doc) => Boolean(doc && doc.outbox.length === 1 && doc.outboxPublishedAt?.[doc.outbox[0].id]));
  const event = (published as Outboxed).outbox[0];
  const eventId = event.id;
  expect(await audit.eventsQueue.getJob(eventId)).toBeDefined();

  // Redis loses its last writes before any worker took the job (AOF everysec, a failover).
  await audit.eventsQueue.obliterate({ force: true });
  expect(await audit.eventsQueue.getJob(eventId)).toBeUndefined();

  // Asked about, not recorded: the event stays.
  await new Promise((resolve) => setTimeout(resolve, 800));
  expect((await tokenDoc(id))?.outbox.map((event) => event.id)).toEqual([eventId]);

  // Published again once it has gone unconfirmed too long, recorded, and only then removed.
  await until('the job to be published again', () => audit.eventsQueue.getJob(eventId), (job) => job !== undefined);
  worker = audit.startWorker();
  await until('the outbox to be cleared', () => tokenDoc(id), (doc) => doc?.outbox.length === 0);
  expect(await audit.records.model.countDocuments({ eventId })).toBe(1);
  expect(await audit.records.model.countDocuments({ accountId })).toBe(1);
  expect((await tokenDoc(id))?.outboxPublishedAt ?? {}).toEqual({});

  // Published once more (a relay that asked before the record was there): still one record.
  await (await audit.eventsQueue.getJob(eventId))?.remove();
  await audit.reporter.reportChange(event as unknown as ChangeEvent);
  await until('the duplicate to be consumed', () => audit.eventsQueue.getJobCounts('waiting', 'active', 'completed'), (counts) => counts.completed >= 1 && counts.waiting + counts.active === 0);
  expect(await audit.records.model.countDocuments({ eventId })).toBe(1);
});

it('clears the outbox only after the record exists', async () => {
  worker = audit.startWorker();
  const { id } = await createToken();
  const samples: { inOutbox: boolean; recorded: boolean }[] = [];
  let eventId: string | undefined;
  await until(
    'the outbox to be cleared',
    async () => {
      const doc = await tokenDoc(id);
      eventId ??= doc?.outbox[0]?.id;
      const sample = { inOutbox: (doc?.outbox.length ?? 0) > 0, recorded: eventId !== undefined && (await audit.records.model.countDocuments({ eventId })) === 1 };
      samples.push(sample);
      return sample;
    },
    (sample) => !sample.inOutbox,
  );
  // Never out of the outbox before it was recorded; and it was seen waiting there first.
  expect(samples.filter((sample) => !sample.inOutbox && !sample.recorded)).toEqual([]);
  expect(samples[0].inOutbox).toBe(true);
  expect(await audit.records.model.countDocuments({ eventId })).toBe(1);
});

it('keeps, in the token service database, the newest record the audit service confirmed: forward only, and for the audit service alone', async () => {
  worker = audit.startWorker();
  const { id, accountId } = await createToken();
  await until('the outbox to be cleared', () => tokenDoc(id), (doc) => doc?.outbox.length === 0);
  const record = await audit.records.model.findOne({ accountId }).lean();
  if (!record) throw new Error('the event was not recorded');
  const anchors = new AuditAnchors(tokens.mongo);
  expect(await anchors.get(accountId)).toMatchObject({ accountId, seq: record.seq, hash: record.hash });

  // Never moved back, whoever says so (a slow replica, a replayed answer).
  await anchors.advance([{ accountId, seq: record.seq - 1 || 0, hash: '0'.repeat(64) }]);
  await anchors.advance([{ accountId, seq: record.seq, hash: 'f'.repeat(64) }]);
  expect(await anchors.get(accountId)).toMatchObject({ seq: record.seq, hash: record.hash });

  // The route answers the audit service only, and with the identity's own account only.
  const asAuditService = signedCall(tokens.app, 'token-service', 'audit-service');
  const own = await asAuditService(testIdentity({ accountId }), 'GET', AUDIT_ANCHOR_PATH);
  expect(own.status).toBe(200);
  expect(own.body.data.anchor).toEqual({ seq: record.seq, hash: record.hash, anchoredAt: expect.any(String) });
  expect((await asAuditService(testIdentity({ accountId: randomUUID() }), 'GET', AUDIT_ANCHOR_PATH)).body.data).toEqual({ anchor: null });
  expect((await tokens.as(testIdentity({ accountId })).get(AUDIT_ANCHOR_PATH)).status).toBe(401);
});
