import { Readable } from 'node:stream';
import { loadPublicKey, transparency, verifyExportStream } from '@warden/audit-client';
import { eventually } from '@warden/testing';
// The audit API as clients reach it: real tokens through the real gateway, changes made through the
// token service, recorded by the audit worker (tools/e2e/console/platform.ts composes them all).
import { startPlatform, type Platform } from '../../../tools/e2e/console/platform';

jest.setTimeout(120_000);

let platform: Platform;
beforeAll(async () => {
  platform = await startPlatform();
});
afterAll(async () => {
  await platform?.close();
});

function call(token: string, path: string, init: RequestInit = {}) {
  return fetch(`${platform.url}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers } });
}

async function auditOf(token: string, query = ''): Promise<any[]> {
  return ((await (await call(token, `/api/v1/audit${query}`)).json()) as { data: any[] }).data;
}

it('records changes made through the gateway and serves them to the account that made them only', async () => {
  const admin = platform.admin.secret;
  const created = (await (await call(admin, '/api/v1/apitokens', { method: 'POST', body: JSON.stringify({ name: 'reader', scopes: ['audit:read'] }) })).json()) as any;
  const tokenId = created.data.id;
  await call(admin, `/api/v1/apitokens/${tokenId}`, { method: 'PATCH', body: JSON.stringify({ name: 'reader-2' }) });
  const [update, create] = await eventually(() => auditOf(admin, `?objectId=${tokenId}`), (records) => records.length >= 2);
  expect(create).toMatchObject({ objectType: 'ApiToken', auditType: 'Created', username: platform.admin.name, actor: { id: platform.admin.id, name: platform.admin.name } });
  expect(update).toMatchObject({ auditType: 'Updated', detail: { update: { prior: { name: 'reader' }, after: { name: 'reader-2' } }, auditType: 'Updated', auditObject: 'ApiToken' } });
  expect(update.seq).toBe(create.seq + 1);
  expect(update.prevHash).toBe(create.hash);
  // The token service never puts a secret (or its hash) into an event, and the trail holds none.
  expect(JSON.stringify([create, update])).not.toContain(created.data.token);

  // The new token can read (audit:read) but another account sees nothing of this one, even by id.
  const reader = created.data.token as string;
  expect((await auditOf(reader)).length).toBeGreaterThanOrEqual(2);
  const other = await platform.newAccount({ name: 'other', scopes: ['audit:read'] });
  // The other account may already see its own first token's creation; never this account's records.
  const seenByOther = await auditOf(other.secret);
  expect(seenByOther.filter((record) => record.id === create.id || record.id === update.id || record.objectId === tokenId)).toEqual([]);
  expect(seenByOther.every((record) => record.actor.id !== platform.admin.id)).toBe(true);
  expect((await call(other.secret, `/api/v1/audit/${create.id}`)).status).toBe(404);
  expect((await call(admin, `/api/v1/audit/${create.id}`)).status).toBe(200);

  // A token without audit:read is refused at the gateway; no token at all is a 401.
  const writer = (await (await call(admin, '/api/v1/apitokens', { method: 'POST', body: JSON.stringify({ name: 'writer', scopes: ['tokens:read'] }) })).json()) as any;
  expect((await call(writer.data.token, '/api/v1/audit')).status).toBe(403);
  expect((await fetch(`${platform.url}/api/v1/audit/verify`)).status).toBe(401);
  // No method changes a record.
  for (const method of ['PUT', 'PATCH', 'DELETE']) expect((await call(admin, `/api/v1/audit/${create.id}`, { method })).status).toBe(405);
  // Recording is asynchronous: the writer's creation reaches the trail before the next test exports
  // it, so that export's fresh checkpoint covers every record it holds.
  expect(await eventually(() => auditOf(admin, `?objectId=${writer.data.id}`), (records) => records.length === 1)).toHaveLength(1);
});

it('verifies, lists checkpoints and exports through the gateway', async () => {
  const admin = platform.admin.secret;
  const exported = await (await call(admin, '/api/v1/audit/export')).text();
  const checkpoints = ((await (await call(admin, '/api/v1/audit/checkpoints')).json()) as any).data;
  expect(checkpoints.checkpoints.length).toBeGreaterThan(0);
  const result = await verifyExportStream(Readable.from([Buffer.from(exported)]), { publicKey: loadPublicKey(checkpoints.publicKey), threads: 1 });
  expect(result).toMatchObject({ valid: true, exitCode: 0 });
  const verify = ((await (await call(admin, '/api/v1/audit/verify')).json()) as any).data;
  expect(verify).toMatchObject({ valid: true, checked: result.checked, checkpoint: { seq: result.head?.seq } });

  // The same verification as a job, followed by its URL.
  const started = await call(admin, '/api/v1/audit/verifications', { method: 'POST' });
  expect(started.status).toBe(202);
  const location = started.headers.get('location') as string;
  expect(location).toMatch(/^\/api\/v1\/audit\/verifications\/[0-9a-f-]{36}$/);
  const job = await eventually(async () => ((await (await call(admin, location)).json()) as any).data, (data) => data.status !== 'running');
  expect(job).toMatchObject({ status: 'done', result: { valid: true, checked: verify.checked } });
});

it('proves records and log growth through the gateway against the signed note, for the caller only', async () => {
  const admin = platform.admin.secret;
  const json = async (path: string, init?: RequestInit) => ((await (await call(admin, path, init)).json()) as any).data;
  const b64 = (text: string) => Buffer.from(text, 'base64');
  const first = await json('/api/v1/audit/checkpoints', { method: 'POST' });
  await call(admin, '/api/v1/apitokens', { method: 'POST', body: JSON.stringify({ name: 'proof', scopes: ['audit:read'] }) });
  await eventually(() => json('/api/v1/audit/verify'), (verify) => verify.head.seq > first.treeSize);
  const signed = await json('/api/v1/audit/checkpoints', { method: 'POST' });
  expect(signed.treeSize).toBeGreaterThan(first.treeSize);
  expect(await json('/api/v1/audit/checkpoints/latest')).toEqual(signed);

  const [key] = (await json('/api/v1/audit/keys')).keys;
  const { checkpoint } = transparency.openCheckpoint(signed.note, [transparency.parseVerifierKey(key.verifierKey)], { origin: key.name });
  expect(checkpoint).toMatchObject({ size: signed.treeSize });
  const inclusion = await json(`/api/v1/audit/proofs/inclusion?seq=1&treeSize=${signed.treeSize}`);
  expect(transparency.verifyInclusion(b64(inclusion.leafHash), 0, signed.treeSize, inclusion.proof.map(b64), checkpoint.rootHash)).toBe(true);
  const consistency = await json(`/api/v1/audit/proofs/consistency?from=${first.treeSize}&to=${signed.treeSize}`);
  expect(transparency.verifyConsistency(first.treeSize, signed.treeSize, b64(first.rootHash), checkpoint.rootHash, consistency.proof.map(b64))).toBe(true);

  // Another account sees no tree of this one; a token without audit:read is refused at the gateway.
  const other = await platform.newAccount({ name: 'other-proofs', scopes: ['audit:read'] });
  expect((await call(other.secret, `/api/v1/audit/proofs/inclusion?seq=1&treeSize=${signed.treeSize}`)).status).toBe(404);
  const writer = (await (await call(admin, '/api/v1/apitokens', { method: 'POST', body: JSON.stringify({ name: 'no-audit', scopes: ['tokens:read'] }) })).json()) as any;
  expect((await call(writer.data.token, '/api/v1/audit/keys')).status).toBe(403);
});

it('catches a cut tail against the heads the producers keep, with or without its checkpoints, and names the missing range', async () => {
  const owner = await platform.newAccount({ name: 'cut-tail' });
  const json = async (path: string, init?: RequestInit) => ((await (await call(owner.secret, path, init)).json()) as any).data;
  const audit = platform.databases.audit;
  const anchorOf = () => platform.databases.tokens.collection('audit_anchors').findOne({ _id: owner.accountId as never });
  // Each change reaches the trail, and the token service anchors it once the audit service confirms it.
  const change = async (name: string) => {
    const before = (await json('/api/v1/audit/verify')).head?.seq ?? 0;
    expect((await call(owner.secret, '/api/v1/apitokens', { method: 'POST', body: JSON.stringify({ name, scopes: ['tokens:read'] }) })).status).toBe(201);
    const anchor = await eventually(anchorOf, (doc) => (doc?.seq ?? 0) > before, 20_000);
    return anchor?.seq as number;
  };
  await change('one');
  await change('two');
  const signed = await json('/api/v1/audit/checkpoints', { method: 'POST' });
  await change('three');
  const newest = await change('four');

  const intact = await json('/api/v1/audit/verify');
  expect(intact).toMatchObject({ valid: true, head: { seq: newest }, missing: null });
  expect(signed.treeSize).toBeLessThan(newest);
  expect(intact.externalHeads).toEqual(
    expect.arrayContaining([
      { source: 'token-service', status: 'present', seq: newest, anchoredAt: expect.any(String) },
      { source: 'credential-service', status: 'none', seq: null, anchoredAt: null },
    ]),
  );

  // The periodic checkpointer has signed the head (so it signs nothing during the cut)...
  await eventually(() => json('/api/v1/audit/checkpoints/latest'), (latest) => latest?.treeSize === newest, 20_000);
  // ...then someone holding the audit database deletes the two newest records (and whatever checkpoint covers them).
  await audit.collection('audit_checkpoints').deleteMany({ accountId: owner.accountId, seq: { $gt: newest - 2 } });
  await audit.collection('audit_records').deleteMany({ accountId: owner.accountId, seq: { $gt: newest - 2 } });
  const cut = await json('/api/v1/audit/verify');
  expect(cut).toMatchObject({ valid: false, firstInvalidSeq: newest - 1, missing: { fromSeq: newest - 1, toSeq: newest } });
  expect(cut.reason).toContain(`records ${newest - 1} to ${newest} are missing`);
  expect(cut.reason).toContain('token-service');
  expect(cut.externalHeads).toEqual(expect.arrayContaining([expect.objectContaining({ source: 'token-service', status: 'missing', seq: newest })]));

  // Deeper, into what the checkpoint covers, and the checkpoints and tree go too: the producer's head still names the range.
  await audit.collection('audit_records').deleteMany({ accountId: owner.accountId, seq: { $gt: 1 } });
  await audit.collection('audit_checkpoints').deleteMany({ accountId: owner.accountId });
  await audit.collection('audit_tree_nodes').deleteMany({ accountId: owner.accountId });
  const gone = await json('/api/v1/audit/verify');
  expect(gone).toMatchObject({ valid: false, firstInvalidSeq: 2, checkpoint: null, missing: { fromSeq: 2, toSeq: newest } });
  // Nothing is signed over the cut log.
  const refused = await call(owner.secret, '/api/v1/audit/checkpoints', { method: 'POST' });
  expect(refused.status).toBe(409);
  expect(((await refused.json()) as any).detail).toContain('failed verification at seq 2');
});
