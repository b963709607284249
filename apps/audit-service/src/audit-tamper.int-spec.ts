import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { chainRecord, verifyExportStream } from '@warden/audit-client';
import { testIdentity } from '@warden/testing';
import { auditServiceWithWorkerForSuite, changeEvent, storedCollection, type AuditHarness } from './test/audit-service-harness';

jest.setTimeout(60_000);

let h: AuditHarness;
auditServiceWithWorkerForSuite((started) => (h = started));

const raw = () => storedCollection(h, 'audit_records');

/** An account with a six-record chain, anchored by a checkpoint at its head. */
async function seededAccount(count = 6): Promise<string> {
  const accountId = randomUUID();
  for (let i = 1; i <= count; i++) {
    await h.reporter.reportChange(changeEvent(accountId, { objectId: `obj-${i}`, after: { name: `v${i}` }, now: new Date(Date.UTC(2025, 0, 1, 0, 0, i)) }));
  }
  await h.waitForRecords(accountId, count);
  const checkpoint = await h.checkpointer.checkpoint(accountId);
  expect(checkpoint).toMatchObject({ seq: count });
  return accountId;
}

async function verify(accountId: string) {
  const res = await h.call(testIdentity({ accountId, scopes: ['audit:read'] }), 'GET', '/api/v1/audit/verify');
  expect(res.status).toBe(200);
  return res.body;
}

async function exportOf(accountId: string) {
  const res = await h.call(testIdentity({ accountId, scopes: ['audit:read'] }), 'GET', '/api/v1/audit/export').buffer(true).parse((response, done) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.on('end', () => done(null, Buffer.concat(chunks)));
  });
  return verifyExportStream(Readable.from([res.body as Buffer]), { publicKey: h.signer.publicKey });
}

describe('tamper detection', () => {
  it('finds an intact chain valid and anchored', async () => {
    const accountId = await seededAccount();
    const body = await verify(accountId);
    expect(body).toMatchObject({ messages: ['The audit chain is valid.'], data: { valid: true, checked: 6, head: { seq: 6 }, checkpoint: { seq: 6 } } });
    expect(await exportOf(accountId)).toMatchObject({ valid: true, exitCode: 0, checked: 6 });
  });

  it('catches an edited field', async () => {
    const accountId = await seededAccount();
    await raw().updateOne({ accountId, seq: 3 }, { $set: { objectId: 'someone-else' } });
    expect((await verify(accountId)).data).toMatchObject({ valid: false, firstInvalidSeq: 3, reason: expect.stringContaining("field 'objectId'") });
    expect(await exportOf(accountId)).toMatchObject({ valid: false, exitCode: 1, firstInvalidSeq: 3 });
  });

  it('shows the content of the canonical text, so a field added beside it changes nothing', async () => {
    const accountId = await seededAccount();
    // The username, actor, address and detail are stored in the canonical text only.
    await raw().updateOne({ accountId, seq: 4 }, { $set: { username: 'someone-else', 'detail.update.after.name': 'forged' } });
    const record = (await h.call(testIdentity({ accountId, scopes: ['audit:read'] }), 'GET', `/api/v1/audit/${(await raw().findOne({ accountId, seq: 4 }))._id}`)).body.data;
    expect(record.username).not.toBe('someone-else');
    expect(JSON.stringify(record.detail)).not.toContain('forged');
    expect((await verify(accountId)).data).toMatchObject({ valid: true, checked: 6 });
  });

  it('catches an edited audit type', async () => {
    const accountId = await seededAccount();
    await raw().updateOne({ accountId, seq: 4 }, { $set: { auditType: 'Deleted' } });
    expect((await verify(accountId)).data).toMatchObject({ valid: false, firstInvalidSeq: 4, reason: expect.stringContaining("field 'auditType'") });
  });

  it('catches an edited canonical text, with or without a recomputed hash', async () => {
    const accountId = await seededAccount();
    const doc = await raw().findOne({ accountId, seq: 2 });
    const canonical = doc.canonical.replace('"v2"', '"v9"');
    await raw().updateOne({ accountId, seq: 2 }, { $set: { canonical } });
    expect((await verify(accountId)).data).toMatchObject({ valid: false, firstInvalidSeq: 2, reason: expect.stringContaining('hash mismatch') });
    const rehashed = chainRecord({ ...JSON.parse(canonical) });
    await raw().updateOne({ accountId, seq: 2 }, { $set: { canonical: rehashed.canonical, hash: rehashed.hash, detail: rehashed.detail } });
    expect((await verify(accountId)).data).toMatchObject({ valid: false, firstInvalidSeq: 2, reason: expect.stringContaining('seal') });
    // Offline, without the seal key, the broken link to record 3 gives it away.
    expect(await exportOf(accountId)).toMatchObject({ valid: false, exitCode: 1, firstInvalidSeq: 3, reason: expect.stringContaining('prevHash') });
  });

  it('catches a deleted middle record', async () => {
    const accountId = await seededAccount();
    await raw().deleteOne({ accountId, seq: 3 });
    expect((await verify(accountId)).data).toMatchObject({ valid: false, firstInvalidSeq: 3, reason: expect.stringContaining('seq gap') });
    expect(await exportOf(accountId)).toMatchObject({ exitCode: 1, firstInvalidSeq: 3 });
  });

  it('catches a forged record appended with a correct hash and link, and never launders it into a checkpoint', async () => {
    const accountId = await seededAccount();
    const head = await raw().findOne({ accountId, seq: 6 });
    const forged = chainRecord({
      id: randomUUID(),
      seq: 7,
      timestamp: '2025-01-01T00:00:07.000Z',
      objectType: 'ApiToken',
      auditType: 'Deleted',
      objectId: 'obj-x',
      username: 'ops-admin',
      actor: JSON.parse(head.canonical).actor,
      remoteIp: '203.0.113.24',
      detail: { delete: { prior: { name: 'x' } }, auditType: 'Deleted', auditObject: 'ApiToken' },
      prevHash: head.hash,
    });
    const { id, canonical, ...fields } = forged;
    // Stored with the keys the service reads records by (its tile, its actors), so it is read.
    const layout = { tile: head.tile, actors: head.actors };
    await raw().insertOne({ _id: id, accountId, ...fields, ...layout, timestamp: new Date(fields.timestamp), canonical, eventId: randomUUID(), seal: head.seal });
    expect((await verify(accountId)).data).toMatchObject({ valid: false, firstInvalidSeq: 7, reason: expect.stringContaining('seal'), checkpoint: { seq: 6 } });
    // A genuine event written on top does not make it valid, and the checkpointer refuses to sign over it.
    await h.reporter.reportChange(changeEvent(accountId));
    await h.waitForRecords(accountId, 8);
    expect(await h.checkpointer.checkpoint(accountId)).toBeNull();
    expect((await verify(accountId)).data).toMatchObject({ valid: false, firstInvalidSeq: 7, head: { seq: 8 } });
    // Offline, the forged tail is not covered by any checkpoint: not proven (exit 2), never "valid and anchored".
    expect(await exportOf(accountId)).toMatchObject({ valid: true, exitCode: 2, unanchored: 2, checkpoint: { seq: 6 } });
  });

  it('catches reordered records', async () => {
    const accountId = await seededAccount();
    await raw().updateOne({ accountId, seq: 3 }, { $set: { seq: -3 } });
    await raw().updateOne({ accountId, seq: 4 }, { $set: { seq: 3 } });
    await raw().updateOne({ accountId, seq: -3 }, { $set: { seq: 4 } });
    expect((await verify(accountId)).data).toMatchObject({ valid: false, firstInvalidSeq: 3, reason: expect.stringContaining("field 'seq'") });
    expect(await exportOf(accountId)).toMatchObject({ exitCode: 1, firstInvalidSeq: 3 });
  });

  it('catches a deleted tail through the checkpoint', async () => {
    const accountId = await seededAccount();
    await raw().deleteMany({ accountId, seq: { $gte: 5 } });
    expect((await verify(accountId)).data).toMatchObject({
      valid: false,
      checked: 4,
      head: { seq: 4 },
      firstInvalidSeq: 5,
      reason: expect.stringContaining('records were removed'),
    });
    expect(await exportOf(accountId)).toMatchObject({ valid: false, exitCode: 1, firstInvalidSeq: 5 });
  });

  it('catches a whole chain rewritten with recomputed hashes through the checkpoint signature', async () => {
    const accountId = await seededAccount();
    const docs = await raw().find({ accountId }).sort({ seq: 1 }).toArray();
    let prevHash = '0'.repeat(64);
    for (const doc of docs) {
      const content = JSON.parse(doc.canonical);
      const rewritten = chainRecord({ ...content, username: 'nobody', prevHash });
      prevHash = rewritten.hash;
      await raw().updateOne({ _id: doc._id }, { $set: { username: 'nobody', prevHash: rewritten.prevHash, hash: rewritten.hash, canonical: rewritten.canonical } });
    }
    // The service also sees that no record carries a valid seal any more.
    expect((await verify(accountId)).data).toMatchObject({ valid: false, firstInvalidSeq: 1, reason: expect.stringContaining('seal') });
    // Offline only the checkpoint signature stands in the way: the rewritten head does not match it.
    expect(await exportOf(accountId)).toMatchObject({ valid: false, exitCode: 1, firstInvalidSeq: 6, reason: expect.stringContaining('rewritten') });
  });

  it('refuses a forged checkpoint', async () => {
    const accountId = await seededAccount();
    const head = await raw().findOne({ accountId, seq: 6 });
    const [genuine] = await h.checkpoints.all(accountId);
    // Stored the way the service stores checkpoints (with the bucket it reads them by), so it is read.
    await storedCollection(h, 'audit_checkpoints').insertOne({ ...genuine, seq: 7, hash: head.hash, time: new Date().toISOString(), bucket: `${accountId}:0` });
    expect((await verify(accountId)).data).toMatchObject({ valid: false, firstInvalidSeq: 7, reason: expect.stringContaining('invalid signature') });
  });
});
