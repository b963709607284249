import { randomUUID } from 'node:crypto';
import { testIdentity } from '@warden/testing';
import type { AuditRecordDoc } from '@warden/audit-data-access';
import { buildRecord } from '@warden/audit-feature';
import { GENESIS_HASH, transparency, type ChainHead } from '@warden/audit-client';
import { changeEvent, startAuditService, storedCollection, type AuditHarness } from './test/audit-service-harness';

// Every query the audit reads send is an equality the store answers from an index, so no read
// costs more as the trail grows (DESIGN.md, docs/operations.md "Audit store"). Proven on the query
// plans: MongoDB's winning plan, or the PostgreSQL plan of FerretDB's PostgreSQL backend. The
// SQLite backend of FerretDB never uses an index and has no plan to show.
jest.setTimeout(120_000);

const RECORDS = 2_000;
const onSqlite = process.env.WARDEN_EMBEDDED_STORE === 'sqlite';
let h: AuditHarness;
const accountId = randomUUID();
const reader = () => testIdentity({ accountId, scopes: ['audit:read'] });
const actors = ['ops-admin', 'deployer', 'ci'].map((name) => ({ type: 'token' as const, id: randomUUID(), name }));

beforeAll(async () => {
  h = await startAuditService();
  let prev: ChainHead = { seq: 0, hash: GENESIS_HASH };
  for (let start = 0; start < RECORDS; start += 500) {
    const docs: AuditRecordDoc[] = [];
    for (let i = start; i < start + 500; i++) {
      const event = changeEvent(accountId, {
        objectType: i % 2 ? 'Credential' : 'ApiToken',
        auditType: i % 5 ? 'Updated' : 'Created',
        objectId: `object-${Math.floor(i / 4)}`,
        actor: actors[i % 3],
        now: new Date(Date.UTC(2026, 0, 1 + Math.floor(i / 200), 12)),
      });
      const doc = buildRecord(event, prev, h.sealer);
      docs.push(doc);
      prev = { seq: doc.seq, hash: doc.hash };
    }
    await h.records.insertChain(docs);
  }
  await h.checkpointer.checkpoint(accountId);
});
afterAll(async () => {
  await h?.close();
});

interface SentQuery {
  collection: string;
  filter: Record<string, unknown>;
}

/** The finds the audit service's repositories send while `exercise` runs. */
async function queriesSentBy(exercise: () => Promise<void>): Promise<SentQuery[]> {
  const sent: SentQuery[] = [];
  h.mongo.set('debug', (collection: string, method: string, filter: unknown) => {
    if (method === 'find' || method === 'findOne') sent.push({ collection, filter: filter as Record<string, unknown> });
  });
  try {
    await exercise();
  } finally {
    h.mongo.set('debug', false);
  }
  return sent;
}

/** How the store plans a find: from an index, by scanning, or (SQLite) not said. */
async function planOf({ collection, filter }: SentQuery): Promise<'index' | 'scan'> {
  const explained = await h.mongo.db!.command({ explain: { find: collection, filter }, verbosity: 'queryPlanner' });
  const plan = JSON.stringify(explained.queryPlanner);
  if (explained.queryPlanner?.winningPlan) return /COLLSCAN/.test(plan) ? 'scan' : 'index'; // MongoDB
  if (explained.queryPlanner?.Plan) return /Seq Scan/.test(plan) || !/Index Scan/.test(plan) ? 'scan' : 'index'; // FerretDB on PostgreSQL
  throw new Error(`no query plan to read: ${plan.slice(0, 200)}`);
}

const reads: [string, string][] = [
  ['the newest page', '/api/v1/audit?limit=50'],
  ['the next page', '/api/v1/audit?limit=50&cursor=SEQ'],
  ['a page by object', '/api/v1/audit?objectId=object-17'],
  ['a page by object type', '/api/v1/audit?objectType=Credential&limit=50'],
  ['a page by audit type', '/api/v1/audit?auditType=Created&limit=50'],
  ['a page by actor', '/api/v1/audit?actor=deployer&limit=50'],
  ['a page by time range', '/api/v1/audit?from=2026-01-03T00:00:00Z&to=2026-01-05T00:00:00Z&limit=50'],
  ['one record', '/api/v1/audit/ID'],
  ['an inclusion proof', '/api/v1/audit/proofs/inclusion?seq=777'],
  ['the latest checkpoint', '/api/v1/audit/checkpoints/latest'],
  ['a full verification', '/api/v1/audit/verify'],
  ['the export', '/api/v1/audit/export'],
];

(onSqlite ? describe.skip : describe)('audit reads on a store that plans its queries', () => {
  it.each(reads)('%s is served by indexes alone', async (_name, template) => {
    const newest = await h.call(reader(), 'GET', '/api/v1/audit?limit=50');
    const url = template.replace('SEQ', String(newest.body.meta.nextCursor)).replace('ID', newest.body.data[7].id);
    const sent = await queriesSentBy(async () => {
      const res = await h.call(reader(), 'GET', url).buffer(true);
      expect(res.status).toBe(200);
    });
    expect(sent.length).toBeGreaterThan(0);
    const scans = [];
    for (const query of sent) if ((await planOf(query)) === 'scan') scans.push(query);
    expect(scans).toEqual([]);
  });
});

describe('audit reads on a store that indexes equality only', () => {

  it('fills each page with as many records as match, newest first, across tiles', async () => {
    const stored = await storedCollection(h, 'audit_records').find({ accountId }, { projection: { seq: 1, objectType: 1, actors: 1 } }).toArray();
    const expected = stored.filter((doc) => doc.objectType === 'Credential' && doc.actors.includes('deployer')).map((doc) => doc.seq).sort((a, b) => b - a);
    const pages: number[][] = [];
    let cursor: number | null = null;
    do {
      const res = await h.call(reader(), 'GET', `/api/v1/audit?objectType=Credential&actor=deployer&limit=100${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      pages.push(res.body.data.map((r: { seq: number }) => r.seq));
      cursor = res.body.meta.nextCursor;
    } while (cursor !== null);
    expect(pages.flat()).toEqual(expected);
    // Every page but the last is full.
    expect(pages.slice(0, -1).map((page) => page.length)).toEqual(pages.slice(0, -1).map(() => 100));
  });

  it("proves inclusion from the leaves stored with the record's block, and from its records when those are gone or wrong", async () => {
    const b64 = (text: string) => Buffer.from(text, 'base64');
    const root = b64((await h.call(reader(), 'GET', '/api/v1/audit/checkpoints/latest')).body.data.rootHash);
    const tileReads = jest.spyOn(h.records, 'hashesBetween');
    try {
      const proven = async () => {
        const proof = (await h.call(reader(), 'GET', '/api/v1/audit/proofs/inclusion?seq=777')).body.data;
        return transparency.verifyInclusion(b64(proof.leafHash), 776, proof.treeSize, proof.proof.map(b64), root);
      };
      // The tree's last, incomplete block (leaves 1792..1999) is stored with its checkpoint: no records are read.
      expect(await proven()).toBe(true);
      expect(tileReads).not.toHaveBeenCalled();
      // Leaf 776 lies in block 3 (leaves 768..1023): its stored leaves altered, the block's records serve.
      await storedCollection(h, 'audit_tree_nodes').updateOne({ node: `${accountId}/8/3` }, { $set: { leaves: 'ab'.repeat(32 * 256) } });
      expect(await proven()).toBe(true);
      expect(tileReads).toHaveBeenCalledWith(accountId, 769, 1024);
    } finally {
      tileReads.mockRestore();
    }
  });

  it('finds the head from a stale or missing hint', async () => {
    const heads = storedCollection(h, 'audit_chain_heads');
    await heads.updateOne({ _id: accountId }, { $set: { seq: 5 } });
    expect(await h.records.head(accountId)).toMatchObject({ seq: RECORDS });
    await heads.deleteOne({ _id: accountId });
    expect(await h.records.head(accountId)).toMatchObject({ seq: RECORDS });
    await heads.insertOne({ _id: accountId, seq: RECORDS + 50 });
    expect(await h.records.head(accountId)).toMatchObject({ seq: RECORDS });
  });
});
