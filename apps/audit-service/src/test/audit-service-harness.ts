import { generateKeyPairSync } from 'node:crypto';
import type { Express } from 'express';
import type { Connection } from 'mongoose';
import type { Queue } from 'bullmq';
import { AUDIT_EVENT_PRODUCERS, ChangeEventSigner, buildChangeEvent, type ChangeEvent, type ChangeEventInit, type RecordedEvent } from '@warden/contracts-events';
import { createRedis } from '@warden/queue';
import { AuditReporter, type CheckpointSigner } from '@warden/audit-client';
import type { AuditCheckpointRepository, AuditRecordRepository, AuditTreeNodeRepository } from '@warden/audit-data-access';
import { signedCall, testEnv, testInfra, testLogger, uniqueName, type HttpMethod, type SignedCall } from '@warden/testing';
import type { Identity } from '@warden/http';
import { loadConfig } from '../config';
import { composeAuditService, type ComposedAuditService, type RunningWorker, type WorkerOptions } from '../compose';
import type { Checkpointer } from '../domain/checkpoint.use-case';
import type { RecordSealer } from '@warden/audit-feature';

export type { RunningWorker };

/** A fresh Ed25519 key for each harness: no test signs with a published key. */
const TEST_AUDIT_SIGNING_KEY = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

/** One audit service (API, and workers on demand), composed as production composes it, on a private database and queue prefix. */
export interface AuditHarness {
  app: Express;
  mongo: Connection;
  prefix: string;
  /** Its MONGODB_DB, and its AUDIT_SIGNING_KEY (PEM). */
  database: string;
  signingKey: string;
  records: AuditRecordRepository;
  checkpoints: AuditCheckpointRepository;
  tree: AuditTreeNodeRepository;
  checkpointer: Checkpointer;
  signer: CheckpointSigner;
  sealer: RecordSealer;
  /** Reports each event as the producer that owns its object type (`router`, an internal service, for any other type). */
  reporter: Pick<AuditReporter, 'reportChange'>;
  /** The raw audit-events queue, for duplicate deliveries and for inspecting failed jobs. */
  eventsQueue: Queue;
  /** Jobs the worker refused because their producer did not authenticate them. */
  quarantineQueue: ComposedAuditService['quarantineQueue'];
  metrics: ComposedAuditService['metrics'];
  /** The producer keys the test processes hold (`TEST_KEYS`), to sign events as a producer would. */
  signerFor: (producer: string) => ChangeEventSigner;
  recordedQueue: Queue<RecordedEvent>;
  redisUrl: string;
  startWorker: (options?: WorkerOptions) => RunningWorker;
  call: (identity: Identity, method: Extract<HttpMethod, 'GET' | 'POST'>, url: string, body?: unknown) => ReturnType<SignedCall>;
  /** Calls as the operator CLI (its own key for this service): the internal checkpoint route's one caller. */
  callAsCli: SignedCall;
  /** Resolves once the account's chain holds `count` records (polls; fails after `timeoutMs`). */
  waitForRecords: (accountId: string, count: number, timeoutMs?: number) => Promise<void>;
  close: () => Promise<void>;
}

export function changeEvent(accountId: string, overrides: Partial<ChangeEventInit> = {}): ChangeEvent {
  return buildChangeEvent({
    accountId,
    objectType: 'ApiToken',
    auditType: 'Updated',
    objectId: '6f1c2b7e-8d4a-4c3e-9b2f-1a7d5e3c9b40',
    actor: { type: 'token', id: '1c7e9a3b-5d2f-4e81-a6c4-7b0d3f9e2a16', name: 'ops-admin' },
    remoteIp: '203.0.113.24',
    prior: { name: 'ci' },
    after: { name: 'ci-deploy' },
    ...overrides,
  });
}

export interface AuditServiceOptions {
  checkpointEvery?: number;
  /** Another replica on this harness's database (left in place on close) and its own queue prefix: a restart with other keys, say. */
  database?: string;
  /** AUDIT_SIGNING_KEY (default: one key for every harness of this run). */
  signingKey?: string;
  /** More variables, e.g. AUDIT_PREVIOUS_PUBLIC_KEYS and AUDIT_SEAL_KEY after a rotation. */
  env?: Record<string, string>;
}

export async function startAuditService(options: AuditServiceOptions = {}): Promise<AuditHarness> {
  const { redisUrl } = testInfra();
  const database = options.database ?? uniqueName('audit');
  const signingKey = options.signingKey ?? TEST_AUDIT_SIGNING_KEY;
  const config = loadConfig(
    testEnv({
      MONGODB_DB: database,
      AUDIT_SIGNING_KEY: signingKey,
      AUDIT_CHECKPOINT_EVERY: String(options.checkpointEvery ?? 1_000),
      AUDIT_WORKER_CONCURRENCY: '32',
      AUDIT_BATCH_SIZE: '100',
      ...options.env,
    }),
  );
  const service = await composeAuditService(config, { logger: testLogger('audit-service') });
  // Workers start when a test asks for them (`startWorker`): suites control who consumes.
  const prefix = config.AUDIT_QUEUE_PREFIX as string;
  const producer = createRedis(redisUrl, 'producer');
  const signerFor = (name: string) => ChangeEventSigner.forProducer(name, config.INTERNAL_KEYS);
  const reporters = new Map<string, AuditReporter>();
  const producerOf = (objectType: string) =>
    Object.entries(AUDIT_EVENT_PRODUCERS).find(([name, types]) => name !== 'cli' && types.includes(objectType))?.[0] ?? 'router';
  const reporterOf = (name: string) => {
    if (!reporters.has(name)) reporters.set(name, AuditReporter.connect(producer, signerFor(name), prefix));
    return reporters.get(name) as AuditReporter;
  };
  const reporter = { reportChange: (event: ChangeEvent) => reporterOf(producerOf(event.objectType)).reportChange(event) };
  const { app, mongo, records, checkpoints, tree, checkpointer, signer, sealer, eventsQueue, quarantineQueue, metrics, recordedQueue, startWorker } = service;
  return {
    app,
    mongo,
    prefix,
    database,
    signingKey,
    records,
    checkpoints,
    tree,
    checkpointer,
    signer,
    sealer,
    reporter,
    eventsQueue,
    quarantineQueue,
    metrics,
    signerFor,
    recordedQueue,
    redisUrl,
    startWorker: (workerOptions = {}) => startWorker({ name: 'audit-worker', ...workerOptions }),
    call: signedCall(app, 'audit-service'),
    callAsCli: signedCall(app, 'audit-service', 'cli'),
    waitForRecords: async (accountId, count, timeoutMs = 20_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = await records.model.countDocuments({ accountId });
        if (found >= count) return;
        if (Date.now() > deadline) throw new Error(`expected ${count} records for ${accountId}, found ${found}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    close: async () => {
      await service.stopWorkers();
      await eventsQueue.obliterate({ force: true });
      await recordedQueue.obliterate({ force: true });
      await quarantineQueue.obliterate({ force: true });
      await Promise.all([...reporters.values()].map((one) => one.close()));
      producer.disconnect();
      if (!options.database) await mongo.dropDatabase();
      await service.close();
    },
  };
}

/**
 * Registers the suite's `beforeAll`/`afterAll` for one audit service with one running worker, and
 * hands the harness to `use` once it is up.
 */
export function auditServiceWithWorkerForSuite(use: (harness: AuditHarness) => void): void {
  let harness: AuditHarness | undefined;
  let worker: RunningWorker | undefined;
  beforeAll(async () => {
    harness = await startAuditService();
    worker = harness.startWorker();
    use(harness);
  });
  afterAll(async () => {
    await worker?.close();
    await harness?.close();
  });
}

/** A collection of the audit database as stored, around the repositories (the tamper tests write it directly). */
export function storedCollection(harness: AuditHarness, name: string) {
  if (!harness.mongo.db) throw new Error('not connected');
  return harness.mongo.db.collection<any>(name);
}
