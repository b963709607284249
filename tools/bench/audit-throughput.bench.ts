// Audit pipeline benchmark: end-to-end throughput (events enqueued on audit-events -> hash-chained
// records written and published, chain verified intact afterwards) against raw insertMany of the
// same documents into the same database in the same run; queue lag at half of that peak; and the
// offline verifier's rate on a 1,000,000-record export with its tree checkpoints and witness
// cosignatures (`BENCH_ONLY=verify` measures that alone, without infrastructure, and writes nothing).
// The audit service runs as in production
// (its bundle from dist/, AUDIT_ROLE=worker, its own process). Writes its section of
// docs/benchmarks.md.
//
//   npx tsx --tsconfig tsconfig.base.json tools/bench/audit-throughput.bench.ts
import { generateKeyPairSync, randomBytes, randomUUID, type KeyObject } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { generateInternalKey, parseInternalKeys } from '@warden/config';
import { AUDIT_RECORDED_QUEUE, ChangeEventSigner, buildChangeEvent, type ChangeEvent, type RecordedEvent } from '@warden/contracts-events';
import { createAuditEventsQueue, createRedis } from '@warden/queue';
import { ChainVerifier, CheckpointSigner, defaultVerifyThreads, transparency, verifyExportFile } from '@warden/audit-client';
import { AuditRecordRepository, fromStored, toAuditRecord, type AuditRecordDoc } from '@warden/audit-data-access';
import { buildRecord, redactSecrets } from '@warden/audit-feature';
import { writeSyntheticExport } from './audit-fixture';
import { startAuditServiceProcess, type AuditServiceProcess } from './audit-service-process';
import { startBenchStore } from './bench-store';
import { runBench, writeBenchmarkSection } from './benchmarks-doc';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 20_000);
const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 10);
const LAG_SECONDS = Number(process.env.BENCH_LAG_SECONDS ?? 10);
const VERIFY_RECORDS = Number(process.env.BENCH_VERIFY_RECORDS ?? 1_000_000);
const VERIFY_CHECKPOINT_EVERY = 10_000;
const RAW_BATCH = 1_000;
const PREFIX = 'auditbench';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/** CPU seconds a process has used so far (Linux /proc; 0 elsewhere). */
function cpuSeconds(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

const BENCH_KEYS = [
  generateInternalKey('gateway', 'audit-service', 'bench-1', randomBytes),
  generateInternalKey('token-service', 'audit-service', 'bench-1', randomBytes),
  generateInternalKey('credential-service', 'audit-service', 'bench-1', randomBytes),
].join(',');
const PRODUCERS = {
  ApiToken: ChangeEventSigner.forProducer('token-service', parseInternalKeys(BENCH_KEYS)),
  Credential: ChangeEventSigner.forProducer('credential-service', parseInternalKeys(BENCH_KEYS)),
};

/** An event as its producer publishes it: signed with that producer's key for the audit service. */
function signed(data: ChangeEvent) {
  return PRODUCERS[data.objectType as keyof typeof PRODUCERS].sign(data);
}

function event(accountId: string, i: number): ChangeEvent {
  return buildChangeEvent({
    accountId,
    objectType: i % 3 === 0 ? 'Credential' : 'ApiToken',
    auditType: 'Updated',
    objectId: randomUUID(),
    actor: { type: 'token', id: randomUUID(), name: 'ci-deploy' },
    remoteIp: '203.0.113.24',
    prior: { name: `token-${i}`, scopes: ['tokens:read'], rateLimit: null },
    after: { name: `token-${i}-renamed`, scopes: ['tokens:read', 'audit:read'], rateLimit: { limit: 120, windowSeconds: 60 } },
  });
}


/**
 * The offline verifier on a synthetic export: every record, the Merkle tree rebuilt from the records
 * and held against each checkpoint's signed note, and each witness cosignature under the witness
 * key; median of 3 rounds.
 */
async function measureOfflineVerify(privateKey: KeyObject, exportFile: string) {
  const signer = new CheckpointSigner(privateKey);
  const witness = generateKeyPairSync('ed25519').privateKey;
  const witnessKey = transparency.verifierKey('bench.witness', witness, transparency.SIGNATURE_TYPE_COSIGNATURE_V1);
  const bytes = writeSyntheticExport(exportFile, { records: VERIFY_RECORDS, signer, checkpointEvery: VERIFY_CHECKPOINT_EVERY, witness: { name: witnessKey.name, key: witness } });
  const rates: number[] = [];
  const cpuPerRecord: number[] = [];
  const threads = defaultVerifyThreads();
  const checkpoints = Math.ceil(VERIFY_RECORDS / VERIFY_CHECKPOINT_EVERY);
  for (let round = 0; round < 3; round++) {
    const started = performance.now();
    const cpuStart = process.cpuUsage();
    const result = await verifyExportFile(exportFile, { publicKey: signer.publicKey, witnessKeys: [witnessKey], threads });
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpuStart);
    if (result.exitCode !== 0) throw new Error(`verify failed: ${result.reason}`);
    if (result.tree.checkpoints !== checkpoints || result.cosignatures.verified !== checkpoints) throw new Error(`verify checked ${result.tree.checkpoints} tree(s) and ${result.cosignatures.verified} cosignature(s), not ${checkpoints}`);
    rates.push(VERIFY_RECORDS / seconds);
    cpuPerRecord.push((used.user + used.system) / VERIFY_RECORDS);
    console.log(`offline verify round ${round + 1}: ${Math.round(VERIFY_RECORDS / seconds)} records/s`);
  }
  const verifyRate = median(rates);
  const verifyCpu = median(cpuPerRecord);
  console.log(
    `offline verify: ${VERIFY_RECORDS} records (${(bytes / 1048576).toFixed(0)} MiB, ${checkpoints} tree checkpoints and cosignatures), median ${Math.round(verifyRate)} records/s, ${verifyCpu.toFixed(1)} CPU µs/record on ${threads} thread(s)`,
  );
  return { bytes, verifyRate, verifyCpu, threads };
}

async function main(): Promise<void> {
  if (process.env.BENCH_ONLY === 'verify') {
    // The offline verifier alone (no infrastructure): prints its figure, writes nothing.
    const exportFile = path.join(os.tmpdir(), `warden-audit-bench-${process.pid}.ndjson`);
    try {
      await measureOfflineVerify(generateKeyPairSync('ed25519').privateKey, exportFile);
    } finally {
      rmSync(exportFile, { force: true });
    }
    return;
  }
  const { startLoad, infra, privateKey, signingKey, sealer, mongo } = await startBenchStore('bench_audit');
  const producer = createRedis(infra.redisUrl, 'worker');
  const eventsQueue = createAuditEventsQueue(producer, PREFIX);
  const recordedQueue = new Queue<RecordedEvent>(AUDIT_RECORDED_QUEUE, { connection: producer, prefix: PREFIX });
  const accounts = Array.from({ length: ACCOUNTS }, () => randomUUID());
  let worker: AuditServiceProcess | undefined;
  const exportFile = path.join(os.tmpdir(), `warden-audit-bench-${process.pid}.ndjson`);
  try {
    const records = new AuditRecordRepository(mongo);
    await records.init();

    // 1. Baseline: raw insertMany of the same documents (built by the writer's own code) into the
    //    same database, a collection with the same indexes, 1,000 per call.
    const baselineDocs: AuditRecordDoc[] = [];
    const heads = new Map(accounts.map((a) => [a, { seq: 0, hash: '0'.repeat(64) }]));
    for (let i = 0; i < EVENTS; i++) {
      const accountId = accounts[i % ACCOUNTS];
      const e = event(accountId, i);
      const doc = buildRecord({ ...e, detail: redactSecrets(e.detail) }, heads.get(accountId) as { seq: number; hash: string }, sealer);
      heads.set(accountId, { seq: doc.seq, hash: doc.hash });
      baselineDocs.push(doc);
    }
    const raw = mongo.collection('raw_baseline_records');
    await raw.createIndex({ accountId: 1, seq: 1 }, { unique: true });
    await raw.createIndex({ eventId: 1 }, { unique: true });
    await raw.createIndex({ accountId: 1, objectId: 1, seq: -1 });
    await raw.createIndex({ accountId: 1, timestamp: -1 });
    const rawStarted = performance.now();
    for (let i = 0; i < baselineDocs.length; i += RAW_BATCH) await raw.insertMany(baselineDocs.slice(i, i + RAW_BATCH) as any[], { ordered: true });
    const rawSeconds = (performance.now() - rawStarted) / 1000;
    const rawRate = EVENTS / rawSeconds;
    console.log(`raw insertMany: ${EVENTS} docs in ${rawSeconds.toFixed(2)}s = ${Math.round(rawRate)}/s`);
    await raw.drop();

    worker = await startAuditServiceProcess({
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      AUDIT_ROLE: 'worker',
      REDIS_URL: infra.redisUrl,
      MONGODB_URL: infra.mongoUrl,
      MONGODB_DB: mongo.name,
      // The gateway's key and the producers' (the synthetic events are signed as they would sign
      // them, so the worker's MAC check is part of what is measured); made for this run, like every key.
      INTERNAL_KEYS: BENCH_KEYS,
      AUDIT_SIGNING_KEY: signingKey,
      AUDIT_QUEUE_PREFIX: PREFIX,
      ...(process.env.BENCH_CONCURRENCY ? { AUDIT_WORKER_CONCURRENCY: process.env.BENCH_CONCURRENCY } : {}),
      ...(process.env.BENCH_BATCH ? { AUDIT_BATCH_SIZE: process.env.BENCH_BATCH } : {}),
      // BENCH_PROFILE_DIR: a V8 CPU profile of the audit service goes there, to see where time goes.
    }, { profileDir: process.env.BENCH_PROFILE_DIR });
    const recordedCount = () => recordedQueue.getJobCountByTypes('waiting', 'active', 'completed', 'delayed', 'prioritized');

    // 2. End-to-end at full speed: enqueue everything as fast as the producer can, timed from the
    //    first enqueue to the last record published on audit-recorded.
    const events = Array.from({ length: EVENTS }, (_, i) => event(accounts[i % ACCOUNTS], i));
    const cpuBefore = { worker: cpuSeconds(worker.child.pid), redis: cpuSeconds(infra.pids.redis), mongo: cpuSeconds(infra.pids.ferretdb ?? infra.pids.mongod) };
    const e2eStarted = performance.now();
    for (let i = 0; i < events.length; i += 500) {
      await eventsQueue.addBulk(events.slice(i, i + 500).map((data) => ({ name: data.auditType, data: signed(data), opts: { jobId: data.id } })));
    }
    const enqueuedSeconds = (performance.now() - e2eStarted) / 1000;
    while ((await recordedCount()) < EVENTS) await sleep(20);
    const e2eSeconds = (performance.now() - e2eStarted) / 1000;
    const e2eRate = EVENTS / e2eSeconds;
    const cpu = {
      worker: Math.round(((cpuSeconds(worker.child.pid) - cpuBefore.worker) * 1e6) / EVENTS),
      redis: Math.round(((cpuSeconds(infra.pids.redis) - cpuBefore.redis) * 1e6) / EVENTS),
      mongo: Math.round(((cpuSeconds(infra.pids.ferretdb ?? infra.pids.mongod) - cpuBefore.mongo) * 1e6) / EVENTS),
    };
    console.log(`end to end: ${EVENTS} events in ${e2eSeconds.toFixed(2)}s = ${Math.round(e2eRate)}/s (enqueued in ${enqueuedSeconds.toFixed(2)}s); CPU µs/event ${JSON.stringify(cpu)}`);

    // 3. The chains are intact: every account 1..n without gap, every hash, link and seal. One
    //    unsorted read (FerretDB's SQLite backend sorts in memory on every getMore), sorted here.
    const stored: AuditRecordDoc[] = (await records.model.find({}).lean()).map(fromStored);
    let verified = 0;
    for (const accountId of accounts) {
      const chain = stored.filter((doc) => doc.accountId === accountId).sort((a, b) => a.seq - b.seq);
      let current!: AuditRecordDoc;
      const verifier = new ChainVerifier(undefined, () => (sealer.verify(accountId, current.seq, current.hash, current.seal) ? undefined : 'bad seal'));
      for (const doc of chain) {
        current = doc;
        if (!verifier.push(toAuditRecord(doc))) throw new Error(`chain of ${accountId} broken at ${verifier.failure?.seq}: ${verifier.failure?.reason}`);
      }
      verified += verifier.checked;
    }
    if (verified !== EVENTS) throw new Error(`expected ${EVENTS} records, found ${verified}`);
    console.log(`chains intact: ${verified} records in ${ACCOUNTS} chains`);

    // 4. Queue lag at half of the measured peak: a steady producer for LAG_SECONDS; lag is the time
    //    from an event's enqueue (its occurredAt) to its record's publication on audit-recorded.
    const rate = Math.max(1, Math.round(e2eRate / 2));
    const tickMs = 50;
    const perTick = rate * (tickMs / 1000);
    const lagStarted = performance.now();
    let sent = 0;
    let maxDepth = 0;
    const depthTimer = setInterval(() => {
      void eventsQueue.getWaitingCount().then((n) => (maxDepth = Math.max(maxDepth, n)));
    }, 200);
    const lagEvents: string[] = [];
    while (performance.now() - lagStarted < LAG_SECONDS * 1000) {
      const due = Math.floor(((performance.now() - lagStarted) / 1000) * rate) - sent;
      if (due > 0) {
        const batch = Array.from({ length: due }, (_, i) => event(accounts[(sent + i) % ACCOUNTS], sent + i));
        sent += due;
        await eventsQueue.addBulk(batch.map((data) => ({ name: data.auditType, data: signed(data), opts: { jobId: data.id } })));
        for (const e of batch) lagEvents.push(e.id);
      }
      await sleep(tickMs);
    }
    clearInterval(depthTimer);
    while ((await recordedCount()) < EVENTS + sent) await sleep(20);
    const lags: number[] = [];
    const wanted = new Set(lagEvents);
    for (let start = 0; ; start += 1000) {
      const jobs = await recordedQueue.getJobs(['waiting'], start, start + 999, true);
      if (jobs.length === 0) break;
      for (const job of jobs) if (wanted.has(job.data.event.id)) lags.push(job.timestamp - Date.parse(job.data.event.occurredAt));
    }
    lags.sort((a, b) => a - b);
    const lag = { p50: percentile(lags, 50), p99: percentile(lags, 99), max: lags[lags.length - 1] };
    console.log(`lag at ${rate}/s (${sent} events, ${perTick.toFixed(0)} per ${tickMs} ms): p50 ${lag.p50} ms, p99 ${lag.p99} ms, max ${lag.max} ms; max depth ${maxDepth}`);

    // 5. Offline verification of a 1,000,000-record export with its tree checkpoints and witness cosignatures.
    const { bytes, verifyRate, verifyCpu, threads } = await measureOfflineVerify(privateKey, exportFile);

    const ratio = e2eRate / rawRate;
    const cpuModel = os.cpus()[0]?.model ?? 'unknown CPU';
    const section = [
      '## Audit pipeline',
      '',
      `${EVENTS} change events over ${ACCOUNTS} accounts (about ${Math.round(JSON.stringify(baselineDocs[0]).length / 10) * 10} bytes per stored record). The audit service runs as in production`,
      '(its bundle, `dist/apps/audit-service/main.js`, `AUDIT_ROLE=worker`, default concurrency and batch size, its own process); the bench process enqueues',
      'on `audit-events` with `addBulk` and the time runs from the first enqueue until the last record is published on `audit-recorded`.',
      'Every event is validated, redacted, hashed (RFC 8785 + SHA-256), sealed, appended with ordered `insertMany` of consecutive seqs per',
      'account, published on `audit-recorded` and, each 1,000 records, checkpointed (Ed25519). The chains are verified afterwards',
      '(every hash, link and seal, seq 1..n without gap). The baseline inserts the same documents, built by the same code, with raw',
      `\`insertMany\` of ${RAW_BATCH} documents per call into the same database (same indexes). Node ${process.version}; ${os.cpus().length} × ${cpuModel};`,
      `real Redis and FerretDB (${process.env.WARDEN_EMBEDDED_STORE === 'sqlite' ? 'SQLite' : 'PostgreSQL'} backend) started by the infra launcher.`,
      '',
      '| measure | result | target |',
      '| --- | ---: | ---: |',
      `| raw \`insertMany\` (baseline) | ${Math.round(rawRate)} records/s | — |`,
      `| end to end: enqueued -> written, chained and published | ${Math.round(e2eRate)} records/s (${Math.round(ratio * 100)}% of baseline) | ≥ 50% |`,
      `| CPU per event | worker ${cpu.worker} µs, Redis ${cpu.redis} µs, FerretDB ${cpu.mongo} µs | — |`,
      `| queue lag at half of peak (${rate} events/s for ${LAG_SECONDS} s) | p50 ${lag.p50} ms, p99 ${lag.p99} ms, max ${lag.max} ms; deepest queue ${maxDepth} | — |`,
      `| offline \`audit verify\` of a ${VERIFY_RECORDS.toLocaleString('en')}-record export (${(bytes / 1048576).toFixed(0)} MiB) with a tree checkpoint and a witness cosignature every ${VERIFY_CHECKPOINT_EVERY.toLocaleString('en')} records (every record, the tree root at each checkpoint, each cosignature), ${threads} worker thread(s) | ${Math.round(verifyRate).toLocaleString('en')} records/s (median of 3); ${verifyCpu.toFixed(1)} CPU µs per record, i.e. ${Math.round(1e6 / verifyCpu).toLocaleString('en')} records per CPU-second | ≥ 100,000/s |`,
      '',
      `End-to-end target ${ratio >= 0.5 ? 'met' : 'missed'}; verify target ${verifyRate >= 100_000 ? 'met' : 'missed'}.`,
      `Load average when the run started: ${startLoad}, when it ended: ${os.loadavg()[0].toFixed(1)} (${os.cpus().length} cores); the machine is shared, so wall-clock`,
      'figures move between runs; CPU per event or record is the steadier figure.',
      '',
      'Reproduce: `npm run bench -- audit-throughput`',
      '(`BENCH_EVENTS`, `BENCH_ACCOUNTS`, `BENCH_LAG_SECONDS`, `BENCH_CONCURRENCY`, `BENCH_BATCH`, `BENCH_VERIFY_RECORDS` change the run; `BENCH_ONLY=verify` runs the offline verification alone).',
      '',
    ].join('\n');
    if (process.env.BENCH_NO_WRITE !== '1') writeBenchmarkSection('## Audit pipeline', section);
    console.log(`\n${section}`);
  } finally {
    await worker?.stop();
    rmSync(exportFile, { force: true });
    await eventsQueue.obliterate({ force: true }).catch(() => undefined);
    await recordedQueue.obliterate({ force: true }).catch(() => undefined);
    await Promise.all([eventsQueue.close(), recordedQueue.close()]);
    producer.disconnect();
    await mongo.dropDatabase().catch(() => undefined);
    await mongo.close();
    await infra.stop();
  }
}

runBench(main);
