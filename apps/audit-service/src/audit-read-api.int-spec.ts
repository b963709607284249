import { randomUUID, verify as verifySignature, createPublicKey } from 'node:crypto';
import { Readable } from 'node:stream';
import request from 'supertest';
import { checkpointMessage, verifyExportStream } from '@warden/audit-client';
import { testIdentity } from '@warden/testing';
import type { Identity } from '@warden/http';
import { changeEvent, startAuditService, type AuditHarness, type RunningWorker } from './test/audit-service-harness';

jest.setTimeout(60_000);

let h: AuditHarness;
let worker: RunningWorker;
const accountId = randomUUID();
let reader: Identity;
const at = (minute: number) => new Date(Date.UTC(2025, 10, 24, 16, minute));

beforeAll(async () => {
  h = await startAuditService();
  worker = h.startWorker();
  reader = testIdentity({ accountId, scopes: ['audit:read'] });
  const actors = {
    admin: { type: 'token' as const, id: '1c7e9a3b-5d2f-4e81-a6c4-7b0d3f9e2a16', name: 'ops-admin' },
    deployer: { type: 'service' as const, id: '0e2f4d6b-8a1c-4e3f-9b5d-7c9e1a3b5d7f', name: 'deployer' },
  };
  // In order, so seq follows minute: 1..12.
  for (let minute = 1; minute <= 12; minute++) {
    const credential = minute % 3 === 0;
    await h.reporter.reportChange(
      changeEvent(accountId, {
        objectType: credential ? 'Credential' : 'ApiToken',
        auditType: minute % 4 === 0 ? 'Created' : 'Updated',
        objectId: minute <= 6 ? 'object-a' : 'object-b',
        actor: minute % 2 === 0 ? actors.deployer : actors.admin,
        now: at(minute),
      }),
    );
    await h.waitForRecords(accountId, minute);
  }
  // Another account's records must never show.
  await h.reporter.reportChange(changeEvent(randomUUID()));
});
afterAll(async () => {
  await worker.close();
  await h.close();
});

async function list(query = '', identity = reader) {
  const res = await h.call(identity, 'GET', `/api/v1/audit${query}`);
  return res;
}
const seqs = (res: request.Response) => res.body.data.map((r: { seq: number }) => r.seq);

describe('GET /api/v1/audit', () => {
  it('lists newest first without the canonical text', async () => {
    const res = await list();
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ success: true, messages: [], meta: { nextCursor: null } });
    expect(seqs(res)).toEqual([12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
    const [newest] = res.body.data;
    expect(Object.keys(newest).sort()).toEqual(['actor', 'auditType', 'detail', 'hash', 'id', 'objectId', 'objectType', 'prevHash', 'remoteIp', 'seq', 'timestamp', 'username']);
    expect(newest).toMatchObject({ timestamp: at(12).toISOString(), username: 'deployer', detail: { create: { after: { name: 'ci-deploy' } }, auditType: 'Created', auditObject: 'Credential' } });
  });

  it('pages with an opaque cursor', async () => {
    const first = await list('?limit=5');
    expect(seqs(first)).toEqual([12, 11, 10, 9, 8]);
    const second = await list(`?limit=5&cursor=${first.body.meta.nextCursor}`);
    expect(seqs(second)).toEqual([7, 6, 5, 4, 3]);
    const third = await list(`?limit=5&cursor=${second.body.meta.nextCursor}`);
    expect(seqs(third)).toEqual([2, 1]);
    expect(third.body.meta.nextCursor).toBeNull();
  });

  it.each([
    ['objectType=Credential', [12, 9, 6, 3]],
    ['auditType=Created', [12, 8, 4]],
    ['objectId=object-a', [6, 5, 4, 3, 2, 1]],
    ['actor=deployer', [12, 10, 8, 6, 4, 2]],
    ['actor=1c7e9a3b-5d2f-4e81-a6c4-7b0d3f9e2a16', [11, 9, 7, 5, 3, 1]],
    [`from=${at(10).toISOString()}`, [12, 11, 10]],
    [`to=${at(3).toISOString()}`, [2, 1]],
    [`from=${at(4).toISOString()}&to=${at(8).toISOString()}&objectType=ApiToken`, [7, 5, 4]],
    ['objectType=Credential&auditType=Created&limit=1', [12]],
  ])('filters by %s', async (query, expected) => {
    const res = await list(`?${query}`);
    expect(res.status).toBe(200);
    expect(seqs(res)).toEqual(expected);
  });

  it.each(['limit=0', 'limit=201', 'auditType=Exploded', 'from=yesterday', 'name[$ne]=x', 'unknown=1', 'cursor=not-a-cursor', 'objectType=a.b'])(
    'answers %s with 400',
    async (query) => {
      const res = await list(`?${query}`);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    },
  );

  it('takes a leap second (valid RFC 3339) as the instant after it, not a 500', async () => {
    const leap = await list('?from=2016-12-31T23:59:60Z&to=2999-12-31T23:59:60.5Z');
    expect(leap.status).toBe(200);
    expect(seqs(leap)).toEqual(seqs(await list('?from=2017-01-01T00:00:00Z&to=3000-01-01T00:00:00Z')));
  });

  it('shows only the caller account', async () => {
    const res = await list('', testIdentity({ scopes: ['audit:read'] }));
    expect(res.body.data).toEqual([]);
  });

  it('needs the audit:read scope and a signed identity', async () => {
    expect((await list('', testIdentity({ accountId, scopes: ['tokens:read'] }))).status).toBe(403);
    expect((await request(h.app).get('/api/v1/audit')).status).toBe(401);
  });
});

describe('GET /api/v1/audit/{id}', () => {
  it('returns one record with its canonical text and hashes', async () => {
    const [record] = (await list('?limit=1')).body.data;
    const res = await h.call(reader, 'GET', `/api/v1/audit/${record.id}`);
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ ...record, canonical: expect.any(String) });
    const { hash: _hash, ...content } = record;
    expect(JSON.parse(res.body.data.canonical)).toEqual(content);
  });

  it('answers 404 for another account record and for an id that is not a UUID', async () => {
    const [record] = (await list('?limit=1')).body.data;
    expect((await h.call(testIdentity({ scopes: ['audit:read'] }), 'GET', `/api/v1/audit/${record.id}`)).status).toBe(404);
    expect((await h.call(reader, 'GET', '/api/v1/audit/not-a-uuid')).status).toBe(404);
    expect((await h.call(reader, 'GET', `/api/v1/audit/${randomUUID()}`)).status).toBe(404);
  });
});

describe('verify, checkpoints and export', () => {
  it('reports an empty chain', async () => {
    const res = await h.call(testIdentity({ scopes: ['audit:read'] }), 'GET', '/api/v1/audit/verify');
    expect(res.body).toEqual({ success: true, messages: ['The audit chain is empty.'], data: { valid: true, checked: 0, head: null, checkpoint: null, unanchored: 0, externalHeads: [], missing: null } });
  });

  it('signs checkpoints on demand for the operator CLI only, and lists them with the public key', async () => {
    const before = await h.call(reader, 'GET', '/api/v1/audit/verify');
    expect(before.body.data).toMatchObject({ valid: true, checked: 12, checkpoint: null });
    const service = testIdentity({ kind: 'service', name: 'ops-cli', accountId: 'system', tokenId: undefined, tokenType: undefined, scopes: [] });
    // The gateway's identity, whatever it says, does not open the CLI's route.
    expect((await h.call(reader, 'POST', '/internal/v1/audit/checkpoints', { accountId })).status).toBe(401);
    expect((await h.call(service, 'POST', '/internal/v1/audit/checkpoints', { accountId })).status).toBe(401);
    expect((await h.callAsCli(service, 'POST', '/internal/v1/audit/checkpoints', { accountId: 5 })).status).toBe(400);
    const signed = await h.callAsCli(service, 'POST', '/internal/v1/audit/checkpoints', { accountId });
    expect(signed.status).toBe(200);
    expect(signed.body.data.checkpoints).toEqual([expect.objectContaining({ accountId, seq: 12 })]);
    // Nothing moved: nothing new to sign.
    expect((await h.callAsCli(service, 'POST', '/internal/v1/audit/checkpoints', { accountId })).body.data.checkpoints).toEqual([]);

    const res = await h.call(reader, 'GET', '/api/v1/audit/checkpoints');
    expect(res.status).toBe(200);
    const { publicKey, checkpoints } = res.body.data;
    expect(publicKey).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    expect(checkpoints).toHaveLength(1);
    const [checkpoint] = checkpoints;
    expect(Object.keys(checkpoint).sort()).toEqual(['accountId', 'hash', 'keyId', 'note', 'rootHash', 'seq', 'signature', 'time', 'treeSize']);
    expect(verifySignature(null, checkpointMessage(checkpoint), createPublicKey(publicKey), Buffer.from(checkpoint.signature, 'base64'))).toBe(true);
    expect(res.body.meta).toEqual({ nextCursor: null });

    const after = await h.call(reader, 'GET', '/api/v1/audit/verify');
    expect(after.body).toMatchObject({ messages: ['The audit chain is valid.'], data: { valid: true, checked: 12, head: { seq: 12 }, checkpoint: { seq: 12, hash: checkpoint.hash, time: checkpoint.time } } });
  });

  it('exports NDJSON that verifies offline with the public key alone', async () => {
    const res = await h.call(reader, 'GET', '/api/v1/audit/export').buffer(true).parse((response, done) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => done(null, text));
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/x-ndjson/);
    const lines = (res.body as string).trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(lines.slice(0, 12).map((l) => [l.kind, l.record.seq])).toEqual(Array.from({ length: 12 }, (_, i) => ['record', i + 1]));
    expect(lines[0].record).toEqual(expect.objectContaining({ canonical: expect.any(String), hash: expect.any(String), prevHash: '0'.repeat(64) }));
    expect(lines.slice(12).every((l) => l.kind === 'checkpoint')).toBe(true);
    const result = await verifyExportStream(Readable.from([Buffer.from(res.body as string)]), { publicKey: h.signer.publicKey });
    expect(result).toMatchObject({ valid: true, exitCode: 0, checked: 12, unanchored: 0 });
  });
});
