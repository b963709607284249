import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { formatPreviousPublicKey, leafHash, loadSigningKey, transparency } from '@warden/audit-client';
import { recordSealKeyOf } from '@warden/audit-feature';
import { eventually, testIdentity, testLogger } from '@warden/testing';
import { Checkpointer } from './domain/checkpoint.use-case';
import { auditServiceWithWorkerForSuite, changeEvent, startAuditService, storedCollection, type AuditHarness } from './test/audit-service-harness';

jest.setTimeout(60_000);

let h: AuditHarness;
auditServiceWithWorkerForSuite((started) => (h = started));

const raw = () => storedCollection(h, 'audit_records');
const checkpointDocs = () => storedCollection(h, 'audit_checkpoints');

async function record(accountId: string, from: number, to: number): Promise<void> {
  for (let i = from; i <= to; i++) {
    await h.reporter.reportChange(changeEvent(accountId, { objectId: `obj-${i}`, after: { name: `v${i}` }, now: new Date(Date.UTC(2025, 0, 1, 0, 0, i)) }));
  }
  await h.waitForRecords(accountId, to);
}

const get = (accountId: string, url: string) => h.call(testIdentity({ accountId, scopes: ['audit:read'] }), 'GET', url);
const post = (accountId: string, url: string) => h.call(testIdentity({ accountId, scopes: ['audit:read'] }), 'POST', url);
const b64 = (text: string) => Buffer.from(text, 'base64');

/** The account's note verifier key, from the API, and the checkpoint it opens. */
async function openLatest(accountId: string) {
  const keys = await get(accountId, '/api/v1/audit/keys');
  expect(keys.status).toBe(200);
  const [key] = keys.body.data.keys;
  const verifier = transparency.parseVerifierKey(key.verifierKey);
  const latest = await get(accountId, '/api/v1/audit/checkpoints/latest');
  expect(latest.status).toBe(200);
  const opened = transparency.openCheckpoint(latest.body.data.note, [verifier], { origin: `warden.audit/${accountId}` });
  return { key, latest: latest.body.data, checkpoint: opened.checkpoint };
}

async function refusals(reason: string): Promise<number> {
  const metric = await h.metrics.checkpointRefusals.get();
  return metric.values.find((value) => value.labels.reason === reason)?.value ?? 0;
}

describe('the verifiable log', () => {
  it('signs C2SP checkpoints whose proofs verify against the signed root', async () => {
    const accountId = randomUUID();
    await record(accountId, 1, 5);
    expect(await h.checkpointer.checkpoint(accountId)).toMatchObject({ seq: 5, treeSize: 5 });
    const first = await openLatest(accountId);
    expect(first.checkpoint.size).toBe(5);
    expect(first.key).toMatchObject({ name: `warden.audit/${accountId}`, algorithm: 'Ed25519', keyId: h.signer.keyId, validUntil: null });
    expect(first.latest).toMatchObject({ treeSize: 5, rootHash: first.checkpoint.rootHash.toString('base64'), cosignatures: [], origin: `warden.audit/${accountId}` });

    await record(accountId, 6, 11);
    const created = await post(accountId, '/api/v1/audit/checkpoints');
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ messages: ['A new checkpoint was signed.'], data: { treeSize: 11 } });
    const again = await post(accountId, '/api/v1/audit/checkpoints');
    expect(again.body).toMatchObject({ messages: ['Nothing new to sign: this is the latest checkpoint.'], data: { treeSize: 11, note: created.body.data.note } });
    const second = await openLatest(accountId);
    expect(second.checkpoint.size).toBe(11);

    // Every record is in the signed tree; its leaf hash is its chain hash.
    for (let seq = 1; seq <= 11; seq++) {
      const res = await get(accountId, `/api/v1/audit/proofs/inclusion?seq=${seq}`);
      expect(res.status).toBe(200);
      const proof = res.body.data;
      const stored = await raw().findOne({ accountId, seq });
      expect(proof).toMatchObject({ seq, leafIndex: seq - 1, treeSize: 11, leafHash: Buffer.from(stored.hash, 'hex').toString('base64') });
      expect(transparency.verifyInclusion(b64(proof.leafHash), seq - 1, 11, proof.proof.map(b64), second.checkpoint.rootHash)).toBe(true);
    }
    // A past size too, against the root signed at that size.
    const past = (await get(accountId, '/api/v1/audit/proofs/inclusion?seq=3&treeSize=5')).body.data;
    expect(transparency.verifyInclusion(b64(past.leafHash), 2, 5, past.proof.map(b64), first.checkpoint.rootHash)).toBe(true);

    const consistency = await get(accountId, '/api/v1/audit/proofs/consistency?from=5&to=11');
    expect(consistency.status).toBe(200);
    const { proof, fromRoot, toRoot } = consistency.body.data;
    expect(fromRoot).toBe(first.checkpoint.rootHash.toString('base64'));
    expect(toRoot).toBe(second.checkpoint.rootHash.toString('base64'));
    expect(transparency.verifyConsistency(5, 11, first.checkpoint.rootHash, second.checkpoint.rootHash, proof.map(b64))).toBe(true);

    // Verify names the signed tree it checked the records against.
    await record(accountId, 12, 13);
    const verified = await get(accountId, '/api/v1/audit/verify');
    expect(verified.body.data).toMatchObject({ valid: true, checked: 13, checkpoint: { seq: 11, treeSize: 11, rootHash: toRoot }, unanchored: 2 });
  });

  it('stores only subtrees of 256 leaves and up, and proves any record from them and the hashes of the records of one block', async () => {
    const accountId = randomUUID();
    await record(accountId, 1, 260);
    expect(await h.checkpointer.checkpoint(accountId)).toMatchObject({ treeSize: 260 });
    // One stored node (leaves 1-256); everything below it and the last 4 leaves come from the records.
    expect(await storedCollection(h, 'audit_tree_nodes').find({ accountId }).project({ _id: 0, level: 1, index: 1 }).toArray()).toEqual([{ level: 8, index: 0 }]);
    const leaves = (await raw().find({ accountId }).sort({ seq: 1 }).toArray()).map((doc: { hash: string }) => Buffer.from(doc.hash, 'hex'));
    const { checkpoint } = await openLatest(accountId);
    expect(checkpoint.rootHash.equals(transparency.rootFromLeaves(leaves))).toBe(true);
    for (const seq of [1, 128, 256, 257, 260]) {
      const proof = (await get(accountId, `/api/v1/audit/proofs/inclusion?seq=${seq}`)).body.data;
      expect(proof.proof.map(b64)).toEqual(transparency.inclusionProofFromLeaves(seq - 1, leaves));
      expect(transparency.verifyInclusion(b64(proof.leafHash), seq - 1, 260, proof.proof.map(b64), checkpoint.rootHash)).toBe(true);
    }
    for (const from of [100, 256, 259]) {
      const consistency = (await get(accountId, `/api/v1/audit/proofs/consistency?from=${from}&to=260`)).body.data;
      expect(consistency.proof.map(b64)).toEqual(transparency.consistencyProofFromLeaves(from, leaves));
      expect(transparency.verifyConsistency(from, 260, transparency.rootFromLeaves(leaves.slice(0, from)), checkpoint.rootHash, consistency.proof.map(b64))).toBe(true);
    }
  });

  it('answers bad input with 400 and sizes beyond the signed tree with 404', async () => {
    const accountId = randomUUID();
    await record(accountId, 1, 3);
    expect(await h.checkpointer.checkpoint(accountId)).toMatchObject({ treeSize: 3 });
    expect((await get(accountId, '/api/v1/audit/proofs/inclusion?seq=0')).status).toBe(400);
    expect((await get(accountId, '/api/v1/audit/proofs/inclusion?seq=abc')).status).toBe(400);
    expect((await get(accountId, '/api/v1/audit/proofs/inclusion?seq=3&treeSize=2')).status).toBe(400);
    expect((await get(accountId, '/api/v1/audit/proofs/consistency?from=3&to=2')).status).toBe(400);
    expect((await get(accountId, '/api/v1/audit/proofs/inclusion?seq=4')).status).toBe(404);
    expect((await get(accountId, '/api/v1/audit/proofs/inclusion?seq=1&treeSize=4')).status).toBe(404);
    expect((await get(accountId, '/api/v1/audit/proofs/consistency?from=1&to=4')).status).toBe(404);
  });

  it("never shows one account's tree to another", async () => {
    const accountId = randomUUID();
    await record(accountId, 1, 4);
    await h.checkpointer.checkpoint(accountId);
    const other = randomUUID();
    expect((await get(other, '/api/v1/audit/proofs/inclusion?seq=1&treeSize=4')).status).toBe(404);
    expect((await get(other, '/api/v1/audit/proofs/consistency?from=1&to=4')).status).toBe(404);
    expect((await get(other, '/api/v1/audit/checkpoints/latest')).status).toBe(404);
    const keys = (await get(other, '/api/v1/audit/keys')).body.data.keys;
    expect(keys[0]).toMatchObject({ name: `warden.audit/${other}`, validFrom: null });
  });

  it('refuses to sign after the newest records were deleted, counts it, and signs nothing', async () => {
    const accountId = randomUUID();
    await record(accountId, 1, 6);
    expect(await h.checkpointer.checkpoint(accountId)).toMatchObject({ treeSize: 6 });
    const before = await refusals('head-behind');
    await raw().deleteMany({ accountId, seq: { $gte: 5 } });

    expect(await h.checkpointer.attempt(accountId)).toMatchObject({ kind: 'refused', refusal: { code: 'head-behind' } });
    const res = await post(accountId, '/api/v1/audit/checkpoints');
    expect(res.status).toBe(409);
    expect(res.body.detail).toContain('records were deleted');
    expect(await refusals('head-behind')).toBeGreaterThanOrEqual(before + 1);
    expect(await checkpointDocs().countDocuments({ accountId })).toBe(1);
  });

  it('refuses to sign when records behind the previous checkpoint changed', async () => {
    const accountId = randomUUID();
    await record(accountId, 1, 6);
    expect(await h.checkpointer.checkpoint(accountId)).toMatchObject({ treeSize: 6 });
    await record(accountId, 7, 8);
    // A record behind the checkpoint rewritten with a recomputed hash (its seal no longer matches).
    const doc = await raw().findOne({ accountId, seq: 3 });
    const canonical = doc.canonical.replace('"v3"', '"v9"');
    await raw().updateOne({ accountId, seq: 3 }, { $set: { canonical, hash: leafHash(canonical), 'detail.create.after.name': 'v9' } });

    const res = await post(accountId, '/api/v1/audit/checkpoints');
    expect(res.status).toBe(409);
    expect(await h.checkpointer.attempt(accountId, { full: true })).toMatchObject({ kind: 'refused' });
    expect(await checkpointDocs().countDocuments({ accountId })).toBe(1);
  });

  it('refuses to extend a stored checkpoint whose compact range does not give its signed root', async () => {
    const accountId = randomUUID();
    await record(accountId, 1, 4);
    expect(await h.checkpointer.checkpoint(accountId)).toMatchObject({ treeSize: 4 });
    const before = await refusals('tree-mismatch');
    // Another replica, which has not seen this account, reads the stored checkpoint: its range was replaced.
    const forged = transparency.CompactRange.empty().append(Buffer.alloc(32, 7)).range.serialize().toString('base64');
    await checkpointDocs().updateOne({ accountId, seq: 4 }, { $set: { range: forged } });
    const replica = new Checkpointer({
      ...{ records: h.records, checkpoints: h.checkpoints, tree: h.tree, signer: h.signer, sealer: h.sealer },
      logger: testLogger('audit-replica'),
      every: 1_000,
      onRefused: (_accountId, refusal) => h.metrics.checkpointRefusals.inc({ reason: refusal.code }),
    });
    await record(accountId, 5, 5);
    expect(await replica.attempt(accountId)).toMatchObject({ kind: 'refused', refusal: { code: 'tree-mismatch' } });
    expect(await refusals('tree-mismatch')).toBe(before + 1);
    expect(await checkpointDocs().countDocuments({ accountId })).toBe(1);
  });
});

describe('verification jobs', () => {
  const job = async (accountId: string, id: string) =>
    eventually(async () => (await get(accountId, `/api/v1/audit/verifications/${id}`)).body.data, (data) => data.status !== 'running', 20_000);

  it('run the full verification in the background, for the caller only, with the result of GET /audit/verify', async () => {
    const accountId = randomUUID();
    await record(accountId, 1, 12);
    // Asked again while it runs (its walk held until both answers are in): one job, not two walks of the whole log.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const streamChain = h.records.streamChain.bind(h.records);
    const walks = jest.spyOn(h.records, 'streamChain').mockImplementation((...args) => {
      const inner = streamChain(...args);
      return {
        [Symbol.asyncIterator]: async function* () {
          await held;
          yield* inner;
        },
        close: () => inner.close(),
      };
    });
    let started, repeated;
    try {
      started = await post(accountId, '/api/v1/audit/verifications');
      repeated = await post(accountId, '/api/v1/audit/verifications');
    } finally {
      release();
      walks.mockRestore();
    }
    expect(started.status).toBe(202);
    expect(started.headers.location).toBe(`/api/v1/audit/verifications/${started.body.data.id}`);
    expect(started.body.data).toMatchObject({ status: 'running', total: 12, result: null, error: null });
    expect(repeated.body.data.id).toBe(started.body.data.id);
    const done = await job(accountId, started.body.data.id);
    const direct = (await get(accountId, '/api/v1/audit/verify')).body.data;
    expect(done).toMatchObject({ status: 'done', checked: 12, total: 12, error: null });
    expect(done.result).toEqual(direct);
    expect(done.result).toMatchObject({ valid: true, checked: 12 });

    // Another account's job does not exist for it; nor does an id never issued.
    expect((await get(randomUUID(), `/api/v1/audit/verifications/${started.body.data.id}`)).status).toBe(404);
    expect((await get(accountId, `/api/v1/audit/verifications/${randomUUID()}`)).status).toBe(404);

    // An edit in the database is caught by the job as by the direct route.
    const doc = await raw().findOne({ accountId, seq: 5 });
    await raw().updateOne({ accountId, seq: 5 }, { $set: { canonical: doc.canonical.replace('"v5"', '"v9"') } });
    const again = await job(accountId, (await post(accountId, '/api/v1/audit/verifications')).body.data.id);
    expect(again).toMatchObject({ status: 'done', result: { valid: false, firstInvalidSeq: 5 } });
  });

  it('take over GET /audit/verify past its deadline: 202 with the job to follow, instead of a request the gateway gives up on', async () => {
    const accountId = randomUUID();
    await record(accountId, 1, 6);
    // Another replica on the same database whose requests may verify for 1 ms only.
    const hurried = await startAuditService({ database: h.mongo.name, env: { AUDIT_VERIFY_DEADLINE_MS: '1' } });
    try {
      const res = await hurried.call(testIdentity({ accountId, scopes: ['audit:read'] }), 'GET', '/api/v1/audit/verify');
      expect(res.status).toBe(202);
      expect(res.headers.location).toBe(`/api/v1/audit/verifications/${res.body.data.id}`);
      expect(res.body.data).toMatchObject({ status: 'running', total: 6 });
      const done = await eventually(async () => (await hurried.call(testIdentity({ accountId, scopes: ['audit:read'] }), 'GET', res.headers.location)).body.data, (data) => data.status !== 'running', 20_000);
      expect(done).toMatchObject({ status: 'done', result: { valid: true, checked: 6 } });
    } finally {
      await hurried.close();
    }
  });

  it('take over POST /audit/checkpoints past its deadline: 202 with the job, and the checkpoint signed once the log verifies', async () => {
    const accountId = randomUUID();
    await record(accountId, 1, 6);
    const hurried = await startAuditService({ database: h.mongo.name, env: { AUDIT_VERIFY_DEADLINE_MS: '1' } });
    const reader = testIdentity({ accountId, scopes: ['audit:read'] });
    try {
      const res = await hurried.call(reader, 'POST', '/api/v1/audit/checkpoints');
      expect(res.status).toBe(202);
      expect(res.headers.location).toBe(`/api/v1/audit/verifications/${res.body.data.id}`);
      const done = await eventually(async () => (await hurried.call(reader, 'GET', res.headers.location)).body.data, (data) => data.status !== 'running', 20_000);
      expect(done).toMatchObject({ status: 'done', result: { valid: true, checked: 6 } });
      const latest = await eventually(async () => (await hurried.call(reader, 'GET', '/api/v1/audit/checkpoints/latest')).body.data, (data) => data?.treeSize === 6, 20_000);
      expect(latest).toMatchObject({ treeSize: 6, origin: `warden.audit/${accountId}` });
    } finally {
      await hurried.close();
    }
  });
});

describe('burst checkpoints', () => {
  it('extend the tree from the links this process wrote, reading no record back, and walk the stored records when another writer came between', async () => {
    const accountId = randomUUID();
    await record(accountId, 1, 4);
    expect(await h.checkpointer.checkpoint(accountId)).toMatchObject({ treeSize: 4 });
    await record(accountId, 5, 7);
    const walks = jest.spyOn(h.records, 'streamChain');
    try {
      expect(await h.checkpointer.attempt(accountId, { fromWritten: true })).toMatchObject({ kind: 'signed', checkpoint: { treeSize: 7 } });
      expect(walks).not.toHaveBeenCalled();
      // What it signed is what the stored records give: the whole chain and tree verify against it.
      const verify = await get(accountId, '/api/v1/audit/verify');
      expect(verify.body.data).toMatchObject({ valid: true, checkpoint: { seq: 7, treeSize: 7 }, unanchored: 0 });
      const { checkpoint } = await openLatest(accountId);
      const inclusion = (await get(accountId, '/api/v1/audit/proofs/inclusion?seq=6&treeSize=7')).body.data;
      expect(transparency.verifyInclusion(b64(inclusion.leafHash), 5, 7, inclusion.proof.map(b64), checkpoint.rootHash)).toBe(true);

      // A replica that did not write records 8 and 9 has no links for them: it reads them back and verifies them first.
      await record(accountId, 8, 9);
      const replica = new Checkpointer({ records: h.records, checkpoints: h.checkpoints, tree: h.tree, signer: h.signer, sealer: h.sealer, logger: testLogger('audit-replica'), every: 1_000 });
      expect(await replica.attempt(accountId, { fromWritten: true })).toMatchObject({ kind: 'signed', checkpoint: { treeSize: 9 } });
      expect(walks).toHaveBeenCalled();
    } finally {
      walks.mockRestore();
    }
  });
});

describe('signing key rotation', () => {
  it('keeps what the retired key signed valid by its key id, signs anew with the new key, lists both, and refuses an unknown key id', async () => {
    const accountId = randomUUID();
    await record(accountId, 1, 4);
    expect((await post(accountId, '/api/v1/audit/checkpoints')).body.data).toMatchObject({ treeSize: 4, keyId: h.signer.keyId });
    const before = await openLatest(accountId);

    // The operator rotates: a new signing key, the old one's public key retired, the record seal key kept.
    const retiredAt = new Date();
    const rotated = await startAuditService({
      database: h.database,
      signingKey: generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      env: {
        AUDIT_PREVIOUS_PUBLIC_KEYS: formatPreviousPublicKey(h.signer.publicKey, retiredAt),
        AUDIT_SEAL_KEY: recordSealKeyOf(loadSigningKey(h.signingKey)).toString('base64'),
      },
    });
    const worker = rotated.startWorker();
    try {
      const as = (method: 'GET' | 'POST', url: string) => rotated.call(testIdentity({ accountId, scopes: ['audit:read'] }), method, url);
      for (let i = 5; i <= 7; i++) await rotated.reporter.reportChange(changeEvent(accountId, { objectId: `obj-${i}`, after: { name: `v${i}` } }));
      await rotated.waitForRecords(accountId, 7);
      // Full verification first (old checkpoint under the old key, old records' seals), then signed by the new key.
      const signed = await as('POST', '/api/v1/audit/checkpoints');
      expect(signed.body).toMatchObject({ messages: ['A new checkpoint was signed.'], data: { treeSize: 7, keyId: rotated.signer.keyId } });
      expect((await as('GET', '/api/v1/audit/verify')).body.data).toMatchObject({ valid: true, checked: 7, checkpoint: { seq: 7, treeSize: 7 } });

      const keys = (await as('GET', '/api/v1/audit/keys')).body.data.keys;
      expect(keys).toEqual([
        expect.objectContaining({ keyId: rotated.signer.keyId, validFrom: signed.body.data.time, validUntil: null }),
        expect.objectContaining({ keyId: h.signer.keyId, verifierKey: before.key.verifierKey, validFrom: before.latest.time, validUntil: retiredAt.toISOString() }),
      ]);
      const latest = (await as('GET', '/api/v1/audit/checkpoints/latest')).body.data;
      const opened = transparency.openCheckpoint(latest.note, [transparency.parseVerifierKey(keys[0].verifierKey)], { origin: `warden.audit/${accountId}` }).checkpoint;
      // The new tree extends the one the retired key signed, and an old proof still checks against the old root.
      const consistency = (await as('GET', '/api/v1/audit/proofs/consistency?from=4&to=7')).body.data;
      expect(transparency.verifyConsistency(4, 7, before.checkpoint.rootHash, opened.rootHash, consistency.proof.map(b64))).toBe(true);
      const inclusion = (await as('GET', '/api/v1/audit/proofs/inclusion?seq=2&treeSize=4')).body.data;
      expect(transparency.verifyInclusion(b64(inclusion.leafHash), 1, 4, inclusion.proof.map(b64), before.checkpoint.rootHash)).toBe(true);

      // A replica that does not know the new key: the new checkpoint names an unknown key id and is invalid.
      const stale = await get(accountId, '/api/v1/audit/verify');
      expect(stale.body.data).toMatchObject({ valid: false, firstInvalidSeq: 7, reason: expect.stringContaining(`unknown key (key id ${rotated.signer.keyId})`) });
      expect((await get(accountId, '/api/v1/audit/checkpoints/latest')).status).toBe(409);
      expect((await get(accountId, '/api/v1/audit/proofs/inclusion?seq=1')).status).toBe(409);
      const witness = generateKeyPairSync('ed25519').privateKey;
      const witnessKey = transparency.verifierKey('witness.example', witness, transparency.SIGNATURE_TYPE_COSIGNATURE_V1);
      const cosignature = transparency.formatSignatureLine(transparency.signCosignature(transparency.parseNote(latest.note).text, witnessKey.name, witness, Math.floor(Date.now() / 1000)));
      const body = { cosignature, witness: transparency.formatVerifierKey(witnessKey) };
      const cosign = (harness: AuditHarness) => harness.call(testIdentity({ accountId, scopes: ['audit:witness'] }), 'POST', '/api/v1/audit/checkpoints/7/cosignatures', body);
      expect((await cosign(h)).status).toBe(409);
      expect((await cosign(rotated)).status).toBe(201);
      const staleReplica = new Checkpointer({ records: h.records, checkpoints: h.checkpoints, tree: h.tree, signer: h.signer, sealer: h.sealer, logger: testLogger('audit-stale'), every: 1_000 });
      expect(await staleReplica.attempt(accountId)).toMatchObject({ kind: 'refused', refusal: { code: 'tree-mismatch', reason: expect.stringContaining('unknown key') } });
    } finally {
      await worker.close();
      await rotated.close();
    }
  });
});
