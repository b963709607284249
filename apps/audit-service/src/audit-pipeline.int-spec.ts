import { randomUUID } from 'node:crypto';
import { ChainVerifier, consumeRecordedEvents, leafHash, type RecordedEvent } from '@warden/audit-client';
import { createRedis } from '@warden/queue';
import { ImmutableAuditRecordError, fromStored, toAuditRecord } from '@warden/audit-data-access';
import request from 'supertest';
import { eventually, signedHeaders, testIdentity } from '@warden/testing';
import { changeEvent, startAuditService, type AuditHarness } from './test/audit-service-harness';

jest.setTimeout(60_000);

let h: AuditHarness;
beforeAll(async () => {
  h = await startAuditService();
});
afterAll(async () => {
  await h.close();
});

async function chainOf(accountId: string) {
  const docs = await h.records.model.find({ accountId }).sort({ seq: 1 }).lean();
  return docs.map(fromStored);
}

describe('audit worker', () => {
  it('turns a reported change into the first link of the account chain, then publishes it on audit-recorded', async () => {
    const worker = h.startWorker();
    try {
      const accountId = randomUUID();
      const event = await h.reporter.reportChange(changeEvent(accountId));
      await h.waitForRecords(accountId, 1);
      const [doc] = await chainOf(accountId);
      expect(doc).toMatchObject({
        seq: 1,
        eventId: event.id,
        objectType: 'ApiToken',
        auditType: 'Updated',
        objectId: event.objectId,
        username: 'ops-admin',
        actor: event.actor,
        remoteIp: '203.0.113.24',
        detail: { update: { prior: { name: 'ci' }, after: { name: 'ci-deploy' } }, auditType: 'Updated', auditObject: 'ApiToken' },
        prevHash: '0'.repeat(64),
      });
      expect(doc.timestamp.toISOString()).toBe(event.occurredAt);
      expect(doc.hash).toBe(leafHash(doc.canonical));
      expect(JSON.parse(doc.canonical)).toEqual({ ...toAuditRecord(doc), hash: undefined, canonical: undefined });
      // Published once written: the record can be read a moment before its notification is queued.
      const recorded = await eventually(() => h.recordedQueue.getJob(doc._id), (job) => job !== undefined);
      expect(recorded?.data).toEqual({ event, record: { id: doc._id, seq: 1, hash: doc.hash, prevHash: doc.prevHash, timestamp: event.occurredAt } });
    } finally {
      await worker.close();
    }
  });

  it('records a duplicate delivery of the same event once', async () => {
    const worker = h.startWorker();
    const accountId = randomUUID();
    const event = changeEvent(accountId);
    // Reporting twice is one job (job id = event id); a redelivery under another job id still makes one record.
    await h.reporter.reportChange(event);
    await h.reporter.reportChange(event);
    await h.eventsQueue.add('Updated', h.signerFor('token-service').sign(event), { jobId: `redelivery-${event.id}` });
    const other = await h.reporter.reportChange(changeEvent(accountId));
    await h.waitForRecords(accountId, 2);
    // Three jobs in all (two event ids, one redelivery): wait until every one has completed.
    const completed = async () => (await h.eventsQueue.getJobs(['completed'])).filter((job) => job.data.event.accountId === accountId);
    const results = (await eventually(completed, (jobs) => jobs.length >= 3)).map((job) => job.returnvalue);
    expect(results).toHaveLength(3);
    expect(results.filter((r) => r.duplicate)).toHaveLength(1);
    const docs = await chainOf(accountId);
    expect(docs.map((d) => [d.seq, d.eventId]).sort()).toEqual(expect.arrayContaining([[expect.any(Number), event.id], [expect.any(Number), other.id]]));
    expect(docs).toHaveLength(2);
    await worker.close();
  });

  it('keeps one gapless, unforked chain when three workers take a burst for one account', async () => {
    const workers = ['a', 'b', 'c'].map((name) => h.startWorker({ concurrency: 16, batchSize: 20, name }));
    const accountId = randomUUID();
    const burst = Array.from({ length: 300 }, (_, i) => changeEvent(accountId, { objectId: `obj-${i}` }));
    await Promise.all(burst.map((event) => h.reporter.reportChange(event)));
    await h.waitForRecords(accountId, burst.length, 40_000);
    const docs = await chainOf(accountId);
    expect(docs.map((d) => d.seq)).toEqual(burst.map((_, i) => i + 1));
    expect(new Set(docs.map((d) => d.eventId))).toEqual(new Set(burst.map((e) => e.id)));
    const verifier = new ChainVerifier();
    for (const doc of docs) expect(verifier.push(toAuditRecord(doc))).toBe(true);
    // Every worker took part.
    const completed = await h.eventsQueue.getJobs(['completed']);
    const mine = completed.filter((job) => job.data.event.accountId === accountId);
    expect(mine).toHaveLength(burst.length);
    expect(new Set(mine.map((job) => job.processedBy))).toEqual(new Set(['a', 'b', 'c']));
    const res = await h.call(testIdentity({ accountId, scopes: ['audit:read'] }), 'GET', '/api/v1/audit/verify');
    expect(res.body.data).toMatchObject({ valid: true, checked: 300, head: { seq: 300, hash: docs[299].hash } });
    await Promise.all(workers.map((w) => w.close()));
  });

  it('redacts secret-named fields at any depth before storing', async () => {
    const worker = h.startWorker();
    const accountId = randomUUID();
    await h.reporter.reportChange(
      changeEvent(accountId, {
        objectType: 'Credential',
        prior: { name: 'smsc', properties: { host: 'smpp.example.com' }, secrets: { password: 'hunter2-prior' } },
        after: { name: 'smsc', password: 'hunter2', nested: [{ clientSecret: 'cs-123', apiKey: 'ak-456', secretHash: 'hash-of-a-secret!', keyId: 'k1' }] },
        extra: { token: 'wdn_secret', ciphertext: 'ciphertext-ZZZ!' },
      }),
    );
    await h.waitForRecords(accountId, 1);
    const [doc] = await chainOf(accountId);
    const stored = JSON.stringify(doc);
    // Values no id, hash or seal can contain by chance (those are hex, UUIDs and base64url).
    for (const secret of ['hunter2', 'cs-123', 'ak-456', 'hash-of-a-secret!', 'wdn_secret', 'ciphertext-ZZZ!']) expect(stored).not.toContain(secret);
    expect(doc.detail).toMatchObject({
      update: {
        prior: { name: 'smsc', properties: { host: 'smpp.example.com' }, secrets: '[redacted]' },
        after: { password: '[redacted]', nested: [{ clientSecret: '[redacted]', apiKey: '[redacted]', secretHash: '[redacted]', keyId: 'k1' }] },
      },
      token: '[redacted]',
      ciphertext: '[redacted]',
    });
    const recorded = await eventually(() => h.recordedQueue.getJob(doc._id), (job) => job !== undefined);
    expect(JSON.stringify(recorded?.data)).not.toContain('hunter2');
    await worker.close();
  });

  it('fails an invalid event at once into the failed set, kept for inspection and replay', async () => {
    const worker = h.startWorker();
    const accountId = randomUUID();
    // Signed by its producer (a producer's bug, not a forgery): it fails rather than going to the quarantine.
    const bad = { ...changeEvent(accountId), username: '' };
    await h.eventsQueue.add('Updated', h.signerFor('token-service').sign(bad), { jobId: bad.id, attempts: 5, backoff: { type: 'fixed', delay: 10 } });
    const [failed] = await eventually(() => h.eventsQueue.getFailed(), (jobs) => jobs.length > 0);
    expect(failed.id).toBe(bad.id);
    expect(failed.attemptsMade).toBe(1);
    expect(failed.failedReason).toMatch(/^invalid change event: username:/);
    expect(await h.records.model.countDocuments({ accountId })).toBe(0);
    await failed.remove();
    await worker.close();
  });

  it('lets internal consumers follow audit-recorded with the client helper', async () => {
    const worker = h.startWorker();
    const accountId = randomUUID();
    const seen: RecordedEvent[] = [];
    const connection = createRedis(h.redisUrl, 'worker');
    const consumer = consumeRecordedEvents(async (event) => {
      if (event.event.accountId === accountId) seen.push(event);
    }, { connection, prefix: h.prefix });
    const endpoint = await h.reporter.reportChange(changeEvent(accountId, { objectType: 'Endpoint', auditType: 'Created', after: { url: 'https://example.com/hook' } }));
    await eventually(async () => seen.length, (count) => count > 0);
    expect(seen).toEqual([expect.objectContaining({ event: endpoint, record: expect.objectContaining({ seq: 1 }) })]);
    await consumer.close();
    connection.disconnect();
    await worker.close();
  });

  it('refuses a change event that breaks the contract at the reporter', async () => {
    await expect(h.reporter.reportChange({ ...changeEvent(randomUUID()), id: 'nope' })).rejects.toThrow(/Invalid change event: id:/);
  });
});

describe('immutability', () => {
  it('refuses updates and deletes through the model', async () => {
    const worker = h.startWorker();
    const accountId = randomUUID();
    await h.reporter.reportChange(changeEvent(accountId));
    await h.waitForRecords(accountId, 1);
    const model = h.records.model;
    await expect(model.updateOne({ accountId }, { $set: { objectId: 'x' } })).rejects.toThrow(ImmutableAuditRecordError);
    await expect(model.updateMany({ accountId }, { $set: { objectId: 'x' } })).rejects.toThrow(ImmutableAuditRecordError);
    await expect(model.findOneAndUpdate({ accountId }, { $set: { objectId: 'x' } })).rejects.toThrow(ImmutableAuditRecordError);
    await expect(model.replaceOne({ accountId }, {})).rejects.toThrow(ImmutableAuditRecordError);
    await expect(model.deleteOne({ accountId })).rejects.toThrow(ImmutableAuditRecordError);
    await expect(model.deleteMany({ accountId })).rejects.toThrow(ImmutableAuditRecordError);
    await expect(model.findOneAndDelete({ accountId })).rejects.toThrow(ImmutableAuditRecordError);
    const doc = await model.findOne({ accountId }).orFail();
    doc.objectId = 'x';
    await expect(doc.save()).rejects.toThrow(ImmutableAuditRecordError);
    await expect(doc.deleteOne()).rejects.toThrow(ImmutableAuditRecordError);
    await expect(h.checkpoints.model.deleteMany({})).rejects.toThrow(ImmutableAuditRecordError);
    const [stored] = await chainOf(accountId);
    expect(stored.objectId).toBe('6f1c2b7e-8d4a-4c3e-9b2f-1a7d5e3c9b40');
    await worker.close();
  });

  it('offers no route that changes a record', async () => {
    const identity = testIdentity({ scopes: ['audit:read'] });
    for (const method of ['put', 'patch', 'delete', 'post'] as const) {
      const url = `/api/v1/audit/${randomUUID()}`;
      const res = await request(h.app)[method](url).set(signedHeaders('audit-service', identity, method.toUpperCase(), url));
      expect(res.status).toBe(404);
    }
  });
});
