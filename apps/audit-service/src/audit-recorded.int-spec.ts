import { randomBytes, randomUUID } from 'node:crypto';
import request from 'supertest';
import { IdentitySigner, bodyDigest } from '@warden/http';
import { operatorIdentity, signedCall } from '@warden/testing';
import { changeEvent, startAuditService, type AuditHarness } from './test/audit-service-harness';

// POST /internal/v1/audit/recorded: which of the event ids a producer published are recorded, so
// that its outbox relay removes exactly those. Producers and the CLI only; ids, nothing else.

const PATH = '/internal/v1/audit/recorded';
let h: AuditHarness;

beforeAll(async () => {
  h = await startAuditService();
});
afterAll(async () => {
  await h.close();
});

it('answers the producers and the CLI with the recorded ids among those asked and the newest of them per account, nothing of their content', async () => {
  const accountId = randomUUID();
  const events = [changeEvent(accountId), changeEvent(accountId, { auditType: 'Created' })];
  const worker = h.startWorker();
  try {
    for (const event of events) await h.reporter.reportChange(event);
    await h.waitForRecords(accountId, 2);
  } finally {
    await worker.close();
  }
  const unknown = randomUUID();
  const body = { eventIds: [events[0].id, unknown, events[1].id] };
  for (const caller of ['token-service', 'credential-service', 'cli']) {
    const res = await signedCall(h.app, 'audit-service', caller)(operatorIdentity('system'), 'POST', PATH, body);
    expect([caller, res.status]).toEqual([caller, 200]);
    // The ids, and the newest of those records per account (the head the producer keeps): nothing of their content.
    const newest = await h.records.model.findOne({ accountId, seq: 2 }).lean();
    expect(res.body.data).toEqual({ recorded: expect.arrayContaining([events[0].id, events[1].id]), heads: [{ accountId, seq: 2, hash: newest?.hash }] });
    expect(res.body.data.recorded).toHaveLength(2);
    expect(JSON.stringify(res.body)).not.toMatch(/"detail"|"canonical"|"actor"|"objectId"/);
  }
});

it('refuses the gateway and unknown callers (401), and more than 500 ids or a malformed body (400)', async () => {
  const body = { eventIds: [randomUUID()] };
  expect((await h.call(operatorIdentity('system'), 'POST', PATH, body)).status).toBe(401);

  const stranger = new IdentitySigner('intruder', [{ caller: 'intruder', audience: 'audit-service', keyId: 'k1', key: randomBytes(32) }]);
  const text = JSON.stringify(body);
  const headers = stranger.sign('audit-service', operatorIdentity('system'), { method: 'POST', url: PATH, digest: bodyDigest(text) });
  expect((await request(h.app).post(PATH).set(headers).set('content-type', 'application/json').send(text)).status).toBe(401);
  expect((await request(h.app).post(PATH).set('content-type', 'application/json').send(text)).status).toBe(401);

  const asProducer = signedCall(h.app, 'audit-service', 'token-service');
  const tooMany = { eventIds: Array.from({ length: 501 }, () => randomUUID()) };
  const capped = await asProducer(operatorIdentity('system'), 'POST', PATH, tooMany);
  expect(capped.status).toBe(400);
  expect(capped.body.errors).toEqual([expect.objectContaining({ path: 'body.eventIds' })]);
  expect((await asProducer(operatorIdentity('system'), 'POST', PATH, { eventIds: Array.from({ length: 500 }, () => randomUUID()) })).body.data).toEqual({ recorded: [], heads: [] });
  for (const bad of [{}, { eventIds: [] }, { eventIds: [1] }, { eventIds: [randomUUID()], extra: true }]) {
    expect([bad, (await asProducer(operatorIdentity('system'), 'POST', PATH, bad)).status]).toEqual([bad, 400]);
  }
});
