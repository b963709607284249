import { generateKeyPairSync } from 'node:crypto';
import type { Express } from 'express';
import type { Connection } from 'mongoose';
import type { Redis } from 'ioredis';
import { Queue, type Worker } from 'bullmq';
import request from 'supertest';
import { AUDIT_EVENTS_QUEUE, buildChangeEvent, type ChangeEvent, type ChangeEventInit, type RecordedEvent } from '@warden/contracts-events';
import { connectMongo } from '@warden/data';
import { createRedis } from '@warden/queue';
import { AuditReporter, CheckpointSigner, createRecordedQueue, publishRecorded } from '@warden/audit-client';
import { AuditCheckpointRepository, AuditRecordRepository } from '@warden/audit-data-access';
import { signedHeaders, testInfra, testLogger, TEST_SIGNING_KEY, uniqueName } from '@warden/testing';
import type { Identity } from '@warden/http';
import { createApp } from '../app';
import { ChainAppender } from '../domain/append-to-chain.use-case';
import { Checkpointer } from '../domain/checkpoint.use-case';
import { RecordSealer } from '../domain/record-seal';
import { createAuditEventsWorker } from '../entry-points/queue/audit-events.consumer';

const { privateKey } = generateKeyPairSync('ed25519');

export interface RunningWorker {
  worker: Worker;
  appender: ChainAppender;
  close: () => Promise<void>;
}

/** One audit service (API, and workers on demand) on a private database and queue prefix. */
export interface AuditHarness {
  app: Express;
  mongo: Connection;
  prefix: string;
  records: AuditRecordRepository;
  checkpoints: AuditCheckpointRepository;
  checkpointer: Checkpointer;
  signer: CheckpointSigner;
  sealer: RecordSealer;
  reporter: AuditReporter;
  /** The raw audit-events queue, for duplicate deliveries and for inspecting failed jobs. */
  eventsQueue: Queue;
  recordedQueue: Queue<RecordedEvent>;
  redisUrl: string;
  startWorker: (options?: { concurrency?: number; batchSize?: number; name?: string }) => RunningWorker;
  call: (identity: Identity, method: 'GET' | 'POST', url: string, body?: unknown) => request.Test;
  /** Resolves once the account's chain holds `count` records (polls; fails after `timeoutMs`). */
  waitForRecords: (accountId: string, count: number, timeoutMs?: number) => Promise<void>;
  close: () => Promise<void>;
}

async function ready(redis: Redis): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise((resolve) => redis.once('ready', resolve));
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

export async function startAuditService(options: { checkpointEvery?: number } = {}): Promise<AuditHarness> {
  const { redisUrl, mongoUrl } = testInfra();
  const logger = testLogger('audit-service');
  const mongo = await connectMongo(mongoUrl, uniqueName('audit'));
  const records = new AuditRecordRepository(mongo);
  const checkpoints = new AuditCheckpointRepository(mongo);
  await Promise.all([records.ready(), checkpoints.ready()]);
  const signer = new CheckpointSigner(privateKey);
  const sealer = new RecordSealer(privateKey);
  const checkpointer = new Checkpointer({ records, checkpoints, signer, sealer, logger, every: options.checkpointEvery ?? 1_000 });
  const prefix = uniqueName('q');
  const redis = createRedis(redisUrl, 'client');
  const producer = createRedis(redisUrl, 'producer');
  const queues = createRedis(redisUrl, 'worker');
  await Promise.all([ready(redis), ready(producer), ready(queues)]);
  const reporter = AuditReporter.connect(producer, prefix);
  const eventsQueue = new Queue(AUDIT_EVENTS_QUEUE, { connection: queues, prefix });
  const recordedQueue = createRecordedQueue(queues, prefix);
  const workers = new Set<RunningWorker>();
  const app = createApp({ config: { INTERNAL_SIGNING_KEY: TEST_SIGNING_KEY }, logger, mongo, redis, records, checkpoints, checkpointer, signer, sealer });

  const startWorker = ({ concurrency = 32, batchSize = 100, name = 'audit-worker' } = {}): RunningWorker => {
    const connection = createRedis(redisUrl, 'worker');
    const appender = new ChainAppender({
      records,
      sealer,
      logger,
      batchSize,
      publish: (events) => publishRecorded(recordedQueue, events),
      onAppended: (accountId, from, written) => checkpointer.noteAppended(accountId, from, written),
    });
    const worker = createAuditEventsWorker({ connection, prefix, concurrency, appender, logger, name });
    const running: RunningWorker = {
      worker,
      appender,
      close: async () => {
        workers.delete(running);
        await worker.close();
        connection.disconnect();
      },
    };
    workers.add(running);
    return running;
  };

  return {
    app,
    mongo,
    prefix,
    records,
    checkpoints,
    checkpointer,
    signer,
    sealer,
    reporter,
    eventsQueue,
    recordedQueue,
    redisUrl,
    startWorker,
    call: (identity, method, url, body) => {
      const test = request(app)[method === 'GET' ? 'get' : 'post'](url).set(signedHeaders(identity, method, url));
      return body === undefined ? test : test.send(body as object);
    },
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
      await Promise.all([...workers].map((w) => w.close()));
      await checkpointer.stop();
      await eventsQueue.obliterate({ force: true });
      await recordedQueue.obliterate({ force: true });
      await Promise.all([reporter.close(), eventsQueue.close(), recordedQueue.close()]);
      await mongo.dropDatabase();
      await mongo.close();
      for (const connection of [redis, producer, queues]) connection.disconnect();
    },
  };
}
