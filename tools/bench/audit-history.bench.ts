// Audit history benchmark: the reads of one account's trail as it grows. One account is filled to
// each size of BENCH_HISTORY_SIZES (default 100,000 then 1,000,000 records, to show the growth)
// through the real write path: records built and sealed by `buildRecord`, written by
// `AuditRecordRepository.insertChain` in runs of consecutive links (with its filter markers and
// head hint), and checkpointed by the audit service's Checkpointer as the appender has it do (a
// burst checkpoint per AUDIT_CHECKPOINT_EVERY records, from the links written, with the Merkle tree
// nodes behind each signed note). At each size the audit service runs as in production
// (its bundle from dist/, AUDIT_ROLE=api, its own process, on the embedded PostgreSQL +
// FerretDB the infra launcher starts) and is called as the gateway calls it: p50/p99 of each read,
// the full verification within the request and as a job, and the export's time to first byte.
// Writes the "Audit history" section of docs/benchmarks.md.
//
//   npm run bench -- audit-history
//   BENCH_HISTORY_SIZES=20000 npx tsx --tsconfig tsconfig.base.json tools/bench/audit-history.bench.ts
import { randomBytes, randomUUID } from 'node:crypto';
import os from 'node:os';
import { createLogger, generateInternalKey, parseInternalKeys } from '@warden/config';
import { auditTypes, buildChangeEvent, type Actor, type AuditType } from '@warden/contracts-events';
import { IdentitySigner } from '@warden/http';
import { testIdentity } from '@warden/testing';
import { CheckpointSigner, GENESIS_HASH, transparency, type ChainHead } from '@warden/audit-client';
import { AuditCheckpointRepository, AuditRecordRepository, AuditTreeNodeRepository, type AuditRecordDoc } from '@warden/audit-data-access';
import { RecordSealer, buildRecord, redactSecrets } from '@warden/audit-feature';
import { Checkpointer } from '../../apps/audit-service/src/domain/checkpoint.use-case';
import { startAuditServiceProcess, type AuditServiceProcess } from './audit-service-process';
import { startBenchStore } from './bench-store';
import { runBench, writeBenchmarkSection } from './benchmarks-doc';

const SIZES = (process.env.BENCH_HISTORY_SIZES ?? '100000,1000000')
  .split(',')
  .map((value) => Number(value.trim()))
  .filter((value) => value > 0);
if (SIZES.length === 0 || SIZES.some((size, i) => !Number.isInteger(size) || (i > 0 && size <= SIZES[i - 1]))) {
  throw new Error('BENCH_HISTORY_SIZES: ascending positive integers, comma-separated (e.g. 100000,1000000)');
}
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 50);
const WARMUPS = 3;
const PAGE = 50;
/** Records per insertChain: one run of consecutive links, as a busy appender writes them. */
const BATCH = 1_000;
/** The audit service's default AUDIT_CHECKPOINT_EVERY: a burst checkpoint each time the chain crosses a multiple. */
const CHECKPOINT_EVERY = 1_000;
/** Each object gets OBJECT_RECORDS records, spread OBJECTS_PER_WINDOW records apart. */
const OBJECT_RECORDS = 5;
const OBJECTS_PER_WINDOW = 1_000;
const ACTORS = 20;
const SPAN_MS = 30 * 86_400_000;
const EXPORT_RUNS = 5;
const TARGETS = { readP99Ms: 200, verifyMs: 5_000, asyncVerifyMs: 60_000, exportTtfbMs: 1_000 };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
const ms = (value: number) => (value >= 100 ? value.toFixed(0) : value.toFixed(1));
const count = (value: number) => value.toLocaleString('en');

const BENCH_KEYS = [
  generateInternalKey('gateway', 'audit-service', 'bench-1', randomBytes),
  generateInternalKey('token-service', 'audit-service', 'bench-1', randomBytes),
  generateInternalKey('credential-service', 'audit-service', 'bench-1', randomBytes),
].join(',');
const gateway = new IdentitySigner('gateway', parseInternalKeys(BENCH_KEYS));

/** The synthetic trail: a realistic mix, every value derived from the record's position so that each read's expected answer is known. */
class Trail {
  readonly accountId = randomUUID();
  readonly actors: Actor[] = Array.from({ length: ACTORS }, (_, i) =>
    i < 15 ? { type: 'token', id: randomUUID(), name: `deploy-token-${i + 1}` } : { type: 'service', id: randomUUID(), name: `service-account-${i - 14}` },
  );
  /** Oldest timestamp; records follow each other by `step` ms, the last size spanning about 30 days. */
  readonly start: number;
  readonly step: number;
  private readonly objects: string[] = [];
  private readonly recordsOf = new Map<string, number>();
  /** A sample of stored records (every 97th): id, seq and hash, for the by-id reads and the proofs. */
  readonly sampleIds: { id: string; seq: number; hash: string }[] = [];
  head: ChainHead = { seq: 0, hash: GENESIS_HASH };

  constructor(lastSize: number) {
    this.step = Math.max(1, Math.floor(SPAN_MS / lastSize));
    this.start = Date.now() - this.step * lastSize - 3_600_000;
  }

  timestampOf(seq: number): number {
    return this.start + (seq - 1) * this.step;
  }

  /** Record `seq` (1-based): its object, type and audit type, actor and time. */
  private shape(seq: number) {
    const i = seq - 1;
    const window = Math.floor(i / (OBJECT_RECORDS * OBJECTS_PER_WINDOW));
    const slot = i % OBJECTS_PER_WINDOW;
    const nth = Math.floor((i % (OBJECT_RECORDS * OBJECTS_PER_WINDOW)) / OBJECTS_PER_WINDOW); // 0..4: the object's nth record
    const object = window * OBJECTS_PER_WINDOW + slot;
    const objectType = object % 2 === 0 ? 'ApiToken' : 'Credential';
    const middle: AuditType[] = objectType === 'ApiToken' ? ['Updated', 'Rotated', 'Updated'] : ['Revealed', 'Rotated', 'Updated'];
    const auditType: AuditType = nth === 0 ? 'Created' : nth === OBJECT_RECORDS - 1 ? 'Deleted' : middle[nth - 1];
    return { object, objectType, auditType, actor: this.actors[(object * 7 + nth) % ACTORS] };
  }

  /** Builds the next `n` records on the chain head, as the appender does. */
  next(n: number, sealer: RecordSealer): AuditRecordDoc[] {
    const docs: AuditRecordDoc[] = [];
    let head = this.head;
    for (let k = 0; k < n; k++) {
      const seq = head.seq + 1;
      const { object, objectType, auditType, actor } = this.shape(seq);
      const objectId = (this.objects[object] ??= randomUUID());
      this.recordsOf.set(objectId, (this.recordsOf.get(objectId) ?? 0) + 1);
      const name = `${objectType === 'ApiToken' ? 'token' : 'credential'}-${object}`;
      const event = buildChangeEvent({
        accountId: this.accountId,
        objectType,
        auditType,
        objectId,
        actor,
        remoteIp: `203.0.113.${(seq % 250) + 1}`,
        now: new Date(this.timestampOf(seq)),
        prior: { name, scopes: ['tokens:read'], rateLimit: null },
        after: { name: `${name}-v${seq}`, scopes: ['tokens:read', 'audit:read'], rateLimit: { limit: 120, windowSeconds: 60 } },
      });
      const doc = buildRecord({ ...event, detail: redactSecrets(event.detail) }, head, sealer);
      if (seq % 97 === 0) this.sampleIds.push({ id: doc._id, seq, hash: doc.hash });
      docs.push(doc);
      head = { seq: doc.seq, hash: doc.hash };
    }
    this.head = head;
    return docs;
  }

  /** An object already written, with how many records it has. */
  randomObject(): { objectId: string; records: number } {
    const objectId = this.objects[Math.floor(Math.random() * this.objects.length)];
    return { objectId, records: this.recordsOf.get(objectId) ?? 0 };
  }

  /** How many records of the first `size` match `test` (by position: the shape is deterministic). */
  matching(size: number, test: (shape: ReturnType<Trail['shape']>, seq: number) => boolean, upTo = Infinity): number {
    let found = 0;
    for (let seq = size; seq >= 1 && found < upTo; seq--) if (test(this.shape(seq), seq)) found++;
    return found;
  }
}


/** Requests to the audit service as the gateway sends them: an identity minted for this method and URL. */
function client(port: number, accountId: string) {
  const identity = testIdentity({ accountId, name: 'bench-reader' });
  return (method: 'GET' | 'POST', url: string, signal?: AbortSignal) =>
    fetch(`http://127.0.0.1:${port}${url}`, { method, headers: gateway.sign('audit-service', { ...identity, requestId: randomUUID() }, { method, url }), signal });
}
type Call = ReturnType<typeof client>;

interface ReadCase {
  name: string;
  /** A request: its URL and the check of its answer (an error message, or undefined when right). */
  make: () => { url: string; check: (body: any) => string | undefined };
}

interface Row {
  records: number;
  read: string;
  p50: number;
  p99: number;
  target: string;
  /** Whether the target is met; `projected`: the target is for another size, and this is the measure scaled linearly to it. */
  met: boolean | { projected: boolean };
  note?: string;
}

/** A target for one size: met there, or projected (linearly) from another. */
function sizedTarget(size: number, targetSize: number, elapsedMs: number, limitMs: number, valid: boolean): Row['met'] {
  if (!valid) return false;
  if (size === targetSize) return elapsedMs <= limitMs;
  return { projected: (elapsedMs * targetSize) / size <= limitMs };
}

/** A page: `expected` records (the requested 50 when that many match), newest first, each one matching. */
function pageCheck(expected: number, each: (record: any) => boolean, first?: number) {
  return (body: any): string | undefined => {
    const items = body?.data;
    if (!Array.isArray(items)) return `no page in the answer: ${JSON.stringify(body).slice(0, 200)}`;
    if (items.length !== expected) return `${items.length} records on the page, ${expected} expected`;
    for (let i = 1; i < items.length; i++) if (items[i].seq >= items[i - 1].seq) return `not newest first at seq ${items[i].seq}`;
    if (first !== undefined && items.length > 0 && items[0].seq !== first) return `the page starts at seq ${items[0].seq}, not ${first}`;
    const wrong = items.find((record) => !each(record));
    return wrong ? `record ${wrong.seq} does not match the filter` : undefined;
  };
}

function readCases(trail: Trail, size: number, rootHash: string): ReadCase[] {
  const all = (upTo: number, test: Parameters<Trail['matching']>[1]) => trail.matching(size, test, upTo);
  const pick = <T>(values: readonly T[]) => values[Math.floor(Math.random() * values.length)];
  const usedAuditTypes = auditTypes.filter((type) => all(1, (shape) => shape.auditType === type) > 0);
  const q = (params: Record<string, string | number>) => new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)])).toString();
  return [
    { name: 'newest page', make: () => ({ url: `/api/v1/audit?${q({ limit: PAGE })}`, check: pageCheck(Math.min(PAGE, size), () => true, size) }) },
    {
      name: 'page by objectId',
      make: () => {
        const { objectId, records } = trail.randomObject();
        return { url: `/api/v1/audit?${q({ limit: PAGE, objectId })}`, check: pageCheck(Math.min(PAGE, records), (r) => r.objectId === objectId) };
      },
    },
    {
      name: 'page by objectType',
      make: () => {
        const objectType = pick(['ApiToken', 'Credential']);
        return { url: `/api/v1/audit?${q({ limit: PAGE, objectType })}`, check: pageCheck(all(PAGE, (s) => s.objectType === objectType), (r) => r.objectType === objectType) };
      },
    },
    {
      name: 'page by auditType',
      make: () => {
        const auditType = pick(usedAuditTypes);
        return { url: `/api/v1/audit?${q({ limit: PAGE, auditType })}`, check: pageCheck(all(PAGE, (s) => s.auditType === auditType), (r) => r.auditType === auditType) };
      },
    },
    {
      name: 'page by actor',
      make: () => {
        const actor = pick(trail.actors);
        const by = Math.random() < 0.5 ? actor.id : actor.name;
        return { url: `/api/v1/audit?${q({ limit: PAGE, actor: by })}`, check: pageCheck(all(PAGE, (s) => s.actor.id === actor.id), (r) => r.actor?.id === actor.id) };
      },
    },
    {
      name: 'page by time range',
      make: () => {
        // An hour (at least 200 records) somewhere in the trail.
        const width = Math.max(3_600_000, 200 * trail.step);
        const first = trail.timestampOf(1);
        const last = trail.timestampOf(size);
        const from = first + Math.floor(Math.random() * Math.max(1, last - first - width));
        const to = from + width;
        const inRange = (seq: number) => trail.timestampOf(seq) >= from && trail.timestampOf(seq) < to;
        return {
          url: `/api/v1/audit?${q({ limit: PAGE, from: new Date(from).toISOString(), to: new Date(to).toISOString() })}`,
          check: pageCheck(all(PAGE, (_s, seq) => inRange(seq)), (r) => Date.parse(r.timestamp) >= from && Date.parse(r.timestamp) < to),
        };
      },
    },
    {
      name: 'record by id',
      make: () => {
        const { id, seq } = pick(trail.sampleIds.filter((sample) => sample.seq <= size));
        return { url: `/api/v1/audit/${id}`, check: (body) => (body?.data?.id === id && body.data.seq === seq ? undefined : `answered ${JSON.stringify(body).slice(0, 200)}`) };
      },
    },
    {
      name: 'inclusion proof',
      make: () => {
        const { seq, hash } = pick(trail.sampleIds.filter((sample) => sample.seq <= size));
        return {
          url: `/api/v1/audit/proofs/inclusion?${q({ seq })}`,
          check: (body) => {
            const proof = body?.data;
            if (!proof || !Array.isArray(proof.proof)) return `answered ${JSON.stringify(body).slice(0, 200)}`;
            if (proof.leafIndex !== seq - 1 || proof.treeSize !== size) return `leaf ${proof.leafIndex} of ${proof.treeSize}, not ${seq - 1} of ${size}`;
            if (proof.leafHash !== Buffer.from(hash, 'hex').toString('base64')) return `leaf hash ${proof.leafHash} is not record ${seq}'s`;
            const path = proof.proof.map((node: string) => Buffer.from(node, 'base64'));
            const root = Buffer.from(rootHash, 'base64');
            if (!transparency.verifyInclusion(Buffer.from(hash, 'hex'), seq - 1, size, path, root)) return 'the proof does not lead to the signed root';
            return undefined;
          },
        };
      },
    },
  ];
}

/** WARMUPS then REQUESTS requests one after another, each timed to its whole body; every answer checked. */
async function measureRead(call: Call, read: ReadCase): Promise<{ p50: number; p99: number; failures: string[] }> {
  const times: number[] = [];
  const failures: string[] = [];
  for (let i = 0; i < WARMUPS + REQUESTS; i++) {
    const { url, check } = read.make();
    const started = performance.now();
    const res = await call('GET', url);
    const body: any = await res.json().catch(() => null);
    const elapsed = performance.now() - started;
    if (i >= WARMUPS) times.push(elapsed);
    const problem = res.status !== 200 ? `${res.status} ${JSON.stringify(body).slice(0, 200)}` : check(body);
    if (problem) failures.push(`${url}: ${problem}`);
  }
  return { p50: percentile(times, 50), p99: percentile(times, 99), failures };
}

/** Polls a verification job once every 100 ms until it is no longer running. */
async function awaitJob(call: Call, location: string): Promise<any> {
  for (;;) {
    const res = await call('GET', location);
    const job = ((await res.json()) as any)?.data;
    if (res.status !== 200) throw new Error(`GET ${location}: ${res.status} ${JSON.stringify(job)}`);
    if (job.status !== 'running') return job;
    await sleep(100);
  }
}

/** Time to the first byte of the export's body (the request is then abandoned). */
async function exportTtfb(call: Call): Promise<number> {
  const abort = new AbortController();
  const started = performance.now();
  const res = await call('GET', '/api/v1/audit/export', abort.signal);
  if (res.status !== 200 || !res.body) throw new Error(`GET /api/v1/audit/export: ${res.status}`);
  const reader = res.body.getReader();
  const first = await reader.read();
  const elapsed = performance.now() - started;
  if (first.done || !first.value?.length) throw new Error('the export is empty');
  if (!Buffer.from(first.value).toString('utf8').startsWith('{"kind":"record"')) throw new Error('the export does not start with a record');
  abort.abort();
  await reader.cancel().catch(() => undefined);
  return elapsed;
}

async function main(): Promise<void> {
  const { startLoad, infra, privateKey, signingKey, sealer, mongo } = await startBenchStore('bench_history');
  const logger = createLogger({ name: 'audit-history-bench', level: 'warn' });
  let service: AuditServiceProcess | undefined;
  const rows: Row[] = [];
  const broken: string[] = [];
  const fills: { size: number; seconds: number }[] = [];
  try {
    const records = new AuditRecordRepository(mongo);
    const checkpoints = new AuditCheckpointRepository(mongo);
    const tree = new AuditTreeNodeRepository(mongo);
    await Promise.all([records.init(), checkpoints.init(), tree.init()]);
    const checkpointer = new Checkpointer({ records, checkpoints, tree, signer: new CheckpointSigner(privateKey), sealer, logger, every: CHECKPOINT_EVERY });
    const trail = new Trail(SIZES[SIZES.length - 1]);
    const { accountId } = trail;

    for (const size of SIZES) {
      // Fill: build the next run while the previous one is written; checkpoint each run as the appender has it done.
      const fillStarted = performance.now();
      const from = trail.head.seq;
      let pending = trail.next(Math.min(BATCH, size - trail.head.seq), sealer);
      while (pending.length > 0) {
        const docs = pending;
        const before: ChainHead = { seq: docs[0].seq - 1, hash: docs[0].prevHash };
        const written = records.insertChain(docs);
        pending = trail.head.seq < size ? trail.next(Math.min(BATCH, size - trail.head.seq), sealer) : [];
        await written;
        checkpointer.noteAppended(accountId, before, docs);
        const outcome = await checkpointer.attempt(accountId, { fromWritten: true });
        if (outcome.kind === 'refused') throw new Error(`checkpoint refused: ${outcome.refusal.reason}`);
        if (docs[docs.length - 1].seq % 100_000 === 0) console.error(`filled ${count(docs[docs.length - 1].seq)} records`);
      }
      const latest = await checkpoints.latestTree(accountId);
      if (latest?.treeSize !== size) throw new Error(`the latest tree checkpoint covers ${latest?.treeSize} records, not ${size}`);
      const seconds = (performance.now() - fillStarted) / 1000;
      fills.push({ size: size - from, seconds });
      console.log(`filled ${count(from)} -> ${count(size)} records in ${seconds.toFixed(1)} s (${count(Math.round((size - from) / seconds))} records/s, checkpointed every ${count(CHECKPOINT_EVERY)})`);

      // The service as in production, started on the filled trail (a fresh process each size: nothing cached from the last one).
      service = await startAuditServiceProcess({
        NODE_ENV: 'production',
        LOG_LEVEL: 'warn',
        AUDIT_ROLE: 'api',
        REDIS_URL: infra.redisUrl,
        MONGODB_URL: infra.mongoUrl,
        MONGODB_DB: mongo.name,
        INTERNAL_KEYS: BENCH_KEYS,
        AUDIT_SIGNING_KEY: signingKey,
        AUDIT_QUEUE_PREFIX: 'historybench',
      });
      const call = client(service.port, accountId);

      for (const read of readCases(trail, size, latest.rootHash as string)) {
        const { p50, p99, failures } = await measureRead(call, read);
        const met = p99 <= TARGETS.readP99Ms && failures.length === 0;
        rows.push({ records: size, read: read.name, p50, p99, target: `p99 ≤ ${TARGETS.readP99Ms} ms`, met, note: failures.length ? `${failures.length} wrong answer(s)` : undefined });
        for (const failure of failures.slice(0, 3)) broken.push(`${count(size)} records, ${read.name}: ${failure}`);
        if (failures.length > 3) broken.push(`${count(size)} records, ${read.name}: ${failures.length - 3} more wrong answer(s)`);
        console.log(`${count(size)} records, ${read.name}: p50 ${ms(p50)} ms, p99 ${ms(p99)} ms${failures.length ? `; ${failures.length} wrong answer(s), e.g. ${failures[0]}` : ''}`);
      }

      // Export: time to first byte.
      const ttfbs: number[] = [];
      for (let i = 0; i < EXPORT_RUNS + 1; i++) {
        const ttfb = await exportTtfb(call).catch((error: Error) => {
          broken.push(`${count(size)} records, export: ${error.message}`);
          return Number.NaN;
        });
        if (i > 0) ttfbs.push(ttfb); // the first one warms up
      }
      const ttfbOk = ttfbs.filter((t) => !Number.isNaN(t));
      if (ttfbOk.length > 0) {
        const p50 = percentile(ttfbOk, 50);
        const worst = Math.max(...ttfbOk);
        rows.push({ records: size, read: `export, time to first byte (${ttfbOk.length} runs)`, p50, p99: worst, target: `< ${count(TARGETS.exportTtfbMs)} ms`, met: worst < TARGETS.exportTtfbMs && ttfbOk.length === ttfbs.length });
        console.log(`${count(size)} records, export TTFB: p50 ${ms(p50)} ms, max ${ms(worst)} ms`);
      }
      // The export may still be finishing its walk server-side after the client hung up: let it stop.
      await sleep(500);

      // GET /audit/verify: within the request, or 202 with a job past the deadline (then waited for, so the next measure starts alone).
      {
        const started = performance.now();
        const res = await call('GET', '/api/v1/audit/verify');
        const body: any = await res.json().catch(() => null);
        const elapsed = performance.now() - started;
        let note: string;
        let met: Row['met'] = false;
        if (res.status === 200) {
          const valid = body?.data?.valid === true && body.data.head?.seq === size;
          if (!valid) broken.push(`${count(size)} records, GET /audit/verify: ${JSON.stringify(body?.data).slice(0, 300)}`);
          met = sizedTarget(size, 100_000, elapsed, TARGETS.verifyMs, valid);
          note = valid ? `valid, ${count(Math.round(size / (elapsed / 1000)))} records/s` : 'NOT valid';
        } else if (res.status === 202) {
          const job = await awaitJob(call, res.headers.get('location') ?? `/api/v1/audit/verifications/${body?.data?.id}`);
          const total = performance.now() - started;
          note = `202 after the deadline; the job it started finished (${job.status}) ${(total / 1000).toFixed(1)} s after the request`;
        } else {
          note = `${res.status}`;
          broken.push(`${count(size)} records, GET /audit/verify: ${res.status} ${JSON.stringify(body).slice(0, 200)}`);
        }
        rows.push({ records: size, read: 'GET /audit/verify (whole chain in the request)', p50: elapsed, p99: elapsed, target: `≤ ${TARGETS.verifyMs / 1000} s at 100,000`, met, note });
        console.log(`${count(size)} records, GET /audit/verify: ${(elapsed / 1000).toFixed(2)} s (${note})`);
      }

      // POST /audit/verifications -> 202, polled until done.
      {
        const started = performance.now();
        const res = await call('POST', '/api/v1/audit/verifications');
        const body: any = await res.json().catch(() => null);
        if (res.status !== 202) {
          broken.push(`${count(size)} records, POST /audit/verifications: ${res.status} ${JSON.stringify(body).slice(0, 200)}`);
        } else {
          const job = await awaitJob(call, res.headers.get('location') ?? `/api/v1/audit/verifications/${body.data.id}`);
          const elapsed = performance.now() - started;
          const valid = job.status === 'done' && job.result?.valid === true && job.checked === size;
          if (!valid) broken.push(`${count(size)} records, verification job: ${JSON.stringify(job).slice(0, 300)}`);
          rows.push({
            records: size,
            read: 'verification job (POST /audit/verifications, polled to done)',
            p50: elapsed,
            p99: elapsed,
            target: `≤ ${TARGETS.asyncVerifyMs / 1000} s at 1,000,000`,
            met: sizedTarget(size, 1_000_000, elapsed, TARGETS.asyncVerifyMs, valid),
            note: valid ? `${count(Math.round(size / (elapsed / 1000)))} records/s` : `${job.status}, ${job.checked}/${job.total} checked`,
          });
          console.log(`${count(size)} records, verification job: ${(elapsed / 1000).toFixed(2)} s (${job.status}, ${job.checked} checked)`);
        }
      }

      await service.stop();
      service = undefined;
    }

    const totalFill = fills.reduce((sum, fill) => sum + fill.seconds, 0);
    const filled = fills.reduce((sum, fill) => sum + fill.size, 0);
    const cpuModel = os.cpus()[0]?.model ?? 'unknown CPU';
    const table = [
      '| records | read | p50 ms | p99 ms | target | met? |',
      '| ---: | --- | ---: | ---: | --- | --- |',
      ...rows.map((row) => {
        const single = row.p50 === row.p99;
        const met = typeof row.met === 'boolean' ? (row.met ? 'yes' : 'no') : `${row.met.projected ? 'yes' : 'no'} (projected linearly)`;
        return `| ${count(row.records)} | ${row.read}${row.note ? ` (${row.note})` : ''} | ${ms(row.p50)} | ${single ? '—' : ms(row.p99)} | ${row.target} | ${met} |`;
      }),
    ];
    const section = [
      '## Audit history',
      '',
      `One account's trail filled to ${SIZES.map(count).join(' then ')} records, read through the audit service as in production (its bundle, \`dist/apps/audit-service/main.js\`,`,
      '`AUDIT_ROLE=api`, its own process, started afresh at each size) on the embedded default store (PostgreSQL + FerretDB started by the infra',
      'launcher), called as the gateway calls it (a signed internal identity). The records are written by the real path: built and sealed by',
      `\`buildRecord\`, inserted by \`AuditRecordRepository.insertChain\` in runs of ${count(BATCH)} consecutive links (with its filter markers and head hint),`,
      `and checkpointed by the service's Checkpointer as the appender has it do (a burst checkpoint per ${count(CHECKPOINT_EVERY)} records, with the Merkle tree nodes`,
      'behind each signed note). The mix: objectType alternates ApiToken/Credential, each object has 5 records (Created, then Updated, Rotated or',
      `Revealed, then Deleted) spread ${count(OBJECTS_PER_WINDOW)} records apart, ${ACTORS} actors, timestamps ascending over about 30 days at the last size.`,
      `Each read is ${REQUESTS} requests one after another (after ${WARMUPS} warm-ups), each timed to its whole body and checked: every page holds the 50`,
      'records asked for when that many match (5 for an object), newest first, each matching the filter; the by-id read and the proof are',
      `for a random record (the proof checked against the signed root). The export row is ${EXPORT_RUNS} requests (max in the p99 column); the verify`,
      'rows are one run each, timed from the request to the answer (the job: to the poll that finds it done, polled every 100 ms). A target set',
      'for another size than the row\'s is judged on the row\'s figure scaled linearly to that size ("projected").',
      `Filling: ${count(filled)} records in ${totalFill.toFixed(0)} s (${count(Math.round(filled / totalFill))} records/s, checkpoints included).`,
      `Node ${process.version}; ${os.cpus().length} × ${cpuModel}; load average ${startLoad} at the start, ${os.loadavg()[0].toFixed(1)} at the end.`,
      '',
      ...table,
      '',
      broken.length === 0 ? 'Every answer was right.' : `Wrong answers: ${broken.length}; first: ${broken[0]}`,
      '',
      'Reproduce: `npm run bench -- audit-history` (`BENCH_HISTORY_SIZES=100000,1000000` by default; `BENCH_REQUESTS` per read, default 50).',
      '',
    ].join('\n');
    if (process.env.BENCH_NO_WRITE !== '1') writeBenchmarkSection('## Audit history', section);
    console.log(`\n${section}`);
    if (broken.length > 0) {
      console.error('\nWrong answers:');
      for (const line of broken) console.error(`  ${line}`);
      process.exitCode = 1;
    }
  } finally {
    await service?.stop();
    await mongo.dropDatabase().catch(() => undefined);
    await mongo.close();
    await infra.stop();
  }
}

runBench(main);
