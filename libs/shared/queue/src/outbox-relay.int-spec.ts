import { randomUUID } from 'node:crypto';
import { Schema, type Connection, type Model } from 'mongoose';
import { buildChangeEvent, type ChangeEvent } from '@warden/contracts-events';
import { connectMongo } from '@warden/data';
import { testInfra, testLogger, uniqueName } from '@warden/testing';
import { OutboxRelay } from './outbox-relay';

// Two replicas' relays on one collection: with takeOverAfterMs each drains the documents its own
// process wrote, and another replica's only once they are stale (that replica stopped).
interface Doc {
  _id: string;
  outbox: ChangeEvent[];
  deletedAt: Date | null;
}

let connection: Connection;
let model: Model<Doc>;

beforeAll(async () => {
  connection = await connectMongo(testInfra().mongoUrl, uniqueName('relay'));
  model = connection.model<Doc>('Doc', new Schema<Doc>({ _id: String, outbox: { type: [Schema.Types.Mixed], default: [] } as any, deletedAt: { type: Date, default: null } }));
});

afterAll(async () => {
  await connection.dropDatabase();
  await connection.close();
});

function event(objectId: string, ageMs = 0): ChangeEvent {
  const actor = { type: 'token' as const, id: 't', name: 't' };
  return buildChangeEvent({ accountId: 'a', objectType: 'Thing', auditType: 'Created', objectId, actor, remoteIp: null, now: new Date(Date.now() - ageMs) });
}

async function write(...ages: number[]): Promise<string> {
  const id = randomUUID();
  await model.create({ _id: id, outbox: (ages.length > 0 ? ages : [0]).map((age) => event(id, age)), deletedAt: null });
  return id;
}

/** Another replica's events count as stale after a minute: far more than the test takes on a loaded machine. */
const TAKE_OVER_MS = 60_000;

function relay(published: string[]): OutboxRelay {
  return new OutboxRelay({ models: [model], publish: async (e) => void published.push(e.objectId), logger: testLogger('relay'), takeOverAfterMs: TAKE_OVER_MS });
}

/** Events of the document not published yet (published ones stay, marked, until confirmed). */
const pending = async (id: string) => {
  const doc = (await model.findById(id).lean()) as (Doc & { outboxPublishedAt?: Record<string, Date> }) | null;
  return (doc?.outbox ?? []).filter((e) => !doc?.outboxPublishedAt?.[e.id]).length;
};

it("drains its own documents at once and leaves another live replica's alone until they are stale", async () => {
  const [byA, byB] = [[] as string[], [] as string[]];
  const [a, b] = [relay(byA), relay(byB)];
  const mine = await write();
  const theirs = await write();
  const abandoned = await write(2 * TAKE_OVER_MS);
  // Left by a replica that stopped, but written again since: its writer drains it.
  const revived = await write(2 * TAKE_OVER_MS, 0);

  a.kick(mine);
  await a.flush([]);
  expect(byA).toContain(mine);
  expect(byA).toContain(abandoned);
  expect(byA).not.toContain(theirs);
  expect(byA).not.toContain(revived);
  expect(await pending(mine)).toBe(0);
  expect(await pending(theirs)).toBe(1);

  await b.flush([theirs]);
  expect(byB).toEqual([theirs]);
  expect(await pending(theirs)).toBe(0);
  await Promise.all([a.stop(), b.stop()]);
});

it("leaves another replica's published events alone while that replica still publishes them again, and takes them once it stopped", async () => {
  // The audit service has recorded every event: a relay that takes a document removes its events
  // (a write that, on FerretDB v1, can undo the writer's own concurrent write to it).
  const other = new OutboxRelay({ models: [model], publish: async () => undefined, logger: testLogger('relay'), takeOverAfterMs: TAKE_OVER_MS, recorded: async (ids) => ids });
  // Published by their writer, which republishes what the audit service has not confirmed every
  // 30 s (the default republishAfterMs): 10 s ago, so it is alive; 3 minutes ago, so it stopped.
  const published10sAgo = randomUUID();
  const published3minAgo = randomUUID();
  for (const [id, publishedAgo] of [
    [published10sAgo, 10_000],
    [published3minAgo, 180_000],
  ] as const) {
    const old = event(id, 2 * TAKE_OVER_MS);
    await model.collection.insertOne({ _id: id, outbox: [old], deletedAt: null, outboxPublishedAt: { [old.id]: new Date(Date.now() - publishedAgo) } } as never);
  }
  await other.flush([]);
  expect((await model.findById(published3minAgo).lean())?.outbox).toEqual([]);
  expect((await model.findById(published10sAgo).lean())?.outbox).toHaveLength(1);
  await other.stop();
});

it('without takeOverAfterMs drains every pending document, as a single process does', async () => {
  const published: string[] = [];
  const ids = [await write(), await write()];
  await new OutboxRelay({ models: [model], publish: async (e) => void published.push(e.objectId), logger: testLogger('relay') }).flush();
  expect(published).toEqual(expect.arrayContaining(ids));
});

it('keeps its own documents for the next drain when publishing fails', async () => {
  let redisDown = true;
  const published: string[] = [];
  const flaky = new OutboxRelay({
    models: [model],
    publish: async (e) => {
      if (redisDown) throw new Error('Redis is down');
      published.push(e.objectId);
    },
    logger: testLogger('relay'),
    takeOverAfterMs: 60_000,
  });
  const id = await write();
  flaky.kick(id);
  await flaky.stop();
  expect(await pending(id)).toBe(1);
  redisDown = false;
  await flaky.flush([]);
  expect(published).toContain(id);
  expect(await pending(id)).toBe(0);
});

it('keeps a published event until the audit service confirms it, and publishes it again while it does not', async () => {
  const published: string[] = [];
  let recorded: string[] | 'unreachable' = 'unreachable';
  const relay = new OutboxRelay({
    models: [model],
    publish: async (e) => void published.push(e.id),
    logger: testLogger('relay'),
    recorded: async (ids) => {
      if (recorded === 'unreachable') throw new Error('connect ECONNREFUSED');
      return ids.filter((id) => (recorded as string[]).includes(id));
    },
    confirmAfterMs: 0,
    republishAfterMs: 300,
  });
  const id = await write();
  const eventId = (await model.findById(id).lean())?.outbox[0].id as string;
  await relay.flush([id]);
  expect(published).toEqual([eventId]);
  // The audit service cannot be asked: the event stays, and is not published again yet.
  await relay.flush([id]);
  expect((await model.findById(id).lean())?.outbox).toHaveLength(1);
  expect(published).toEqual([eventId]);
  // Not recorded (Redis lost the job) and unconfirmed too long: published again.
  recorded = [];
  await new Promise((resolve) => setTimeout(resolve, 350));
  await relay.flush([id]);
  expect(published).toEqual([eventId, eventId]);
  // Recorded: it leaves the outbox, and so does its mark.
  recorded = [eventId];
  await relay.flush([id]);
  const doc = (await model.findById(id).lean()) as (Doc & { outboxPublishedAt?: Record<string, Date> }) | null;
  expect(doc?.outbox).toEqual([]);
  expect(doc?.outboxPublishedAt ?? {}).toEqual({});
  expect(published).toEqual([eventId, eventId]);
});
