import { Queue, type Worker } from 'bullmq';
import type { Logger } from '@warden/config';
import { AUDIT_EVENTS_QUARANTINE_QUEUE, AUDIT_EVENTS_QUEUE, ChangeEventVerifier, type RecordedEvent } from '@warden/contracts-events';
import { connectMongo } from '@warden/data';
import type { ComposedService } from '@warden/http';
import { START_WITHOUT_REDIS_AFTER_MS, atMost, createRedis, queuePrefixFor, quitRedis, redisReady } from '@warden/queue';
import { CheckpointSigner, RecordedRetention, createRecordedQueue, loadSigningKey, publishRecorded } from '@warden/audit-client';
import { AuditCheckpointRepository, AuditRecordRepository, AuditTreeNodeRepository, AuditVerificationRepository } from '@warden/audit-data-access';
import { createApp, type AuditServiceDeps } from './app';
import { createAuditMetrics, type AuditMetrics } from './audit-metrics';
import { AnchorSources } from './anchor-sources';
import type { AuditServiceConfig } from './config';
import { ChainAppender } from './domain/append-to-chain.use-case';
import { Checkpointer } from './domain/checkpoint.use-case';
import { VerificationJobs } from './domain/verification-jobs.use-case';
import { RecordSealer, loadRecordSealKey } from '@warden/audit-feature';
import { createAuditEventsWorker, type QuarantinedJob } from './entry-points/queue/audit-events.consumer';

export interface AuditServiceIo {
  logger: Logger;
}

export interface WorkerOptions {
  /** Jobs held at once (default: AUDIT_WORKER_CONCURRENCY). */
  concurrency?: number;
  /** Largest insert (default: AUDIT_BATCH_SIZE). */
  batchSize?: number;
  /** The worker's name in BullMQ (tests tell workers apart). */
  name?: string;
}

export interface RunningWorker {
  worker: Worker;
  appender: ChainAppender;
  close: () => Promise<void>;
}

export interface ComposedAuditService
  extends ComposedService, Pick<AuditServiceDeps, 'mongo' | 'redis' | 'records' | 'checkpoints' | 'tree' | 'checkpointer' | 'signer' | 'sealer'> {
  metrics: AuditMetrics;
  /** The audit-events queue: what workers consume (depth and lag metrics read it). */
  eventsQueue: Queue;
  /** Jobs of audit-events the worker refused because their producer did not authenticate them. */
  quarantineQueue: Queue<QuarantinedJob>;
  recordedQueue: Queue<RecordedEvent>;
  /** One more worker consuming audit-events on its own connection; `start` runs one unless AUDIT_ROLE is `api`. */
  startWorker: (options?: WorkerOptions) => RunningWorker;
  /** Stops every worker; each finishes the jobs it holds first, so nothing is recorded twice or lost. */
  stopWorkers: () => Promise<void>;
}

/**
 * The audit service's composition root: its database, the chain appender, checkpointer and
 * consumer of audit-events, the audit-recorded publisher and the HTTP app. `start` runs the worker
 * (unless AUDIT_ROLE is `api`) and the checkpointer; `close` stops them and closes every connection.
 */
export async function composeAuditService(config: AuditServiceConfig, { logger }: AuditServiceIo): Promise<ComposedAuditService> {
  const signingKey = loadSigningKey(config.AUDIT_SIGNING_KEY);
  // The current key signs; the keys it replaced still verify what they signed (by key id).
  const signer = new CheckpointSigner(signingKey, config.AUDIT_PREVIOUS_PUBLIC_KEYS);
  const sealer = new RecordSealer(config.AUDIT_SEAL_KEY ? loadRecordSealKey(config.AUDIT_SEAL_KEY) : signingKey);
  const mongo = await connectMongo(config.MONGODB_URL, config.MONGODB_DB);
  const records = new AuditRecordRepository(mongo);
  const checkpoints = new AuditCheckpointRepository(mongo);
  const tree = new AuditTreeNodeRepository(mongo);
  const verifications = new AuditVerificationRepository(mongo);
  await Promise.all([records.init(), checkpoints.init(), tree.init(), verifications.init()]);
  // Hash-tagged on a cluster, so that each queue's keys share one slot.
  const prefix = queuePrefixFor(config.REDIS_URL, config.AUDIT_QUEUE_PREFIX);
  const redis = createRedis(config.REDIS_URL, 'client');
  // Queues block and must retry forever: a connection of the worker kind.
  const queues = createRedis(config.REDIS_URL, 'worker');
  const eventsQueue = new Queue(AUDIT_EVENTS_QUEUE, { connection: queues, prefix });
  const recordedQueue = createRecordedQueue(queues, prefix);
  // Never consumed: refused jobs wait there for an operator (`warden audit quarantined`).
  const quarantineQueue = new Queue<QuarantinedJob>(AUDIT_EVENTS_QUARANTINE_QUEUE, { connection: queues, prefix });
  // The producers' keys (`<producer>>audit-service`) authenticate every event before it is recorded.
  const verifier = new ChangeEventVerifier(config.INTERNAL_KEYS);
  const metrics = createAuditMetrics(eventsQueue);
  const checkpointer = new Checkpointer({
    records,
    checkpoints,
    tree,
    signer,
    sealer,
    logger,
    every: config.AUDIT_CHECKPOINT_EVERY,
    onSigned: () => metrics.checkpointsSigned.inc(),
    onRefused: (_accountId, refusal) => {
      metrics.checkpointsRefused.inc();
      metrics.checkpointRefusals.inc({ reason: refusal.code });
    },
  });
  const workers = new Set<RunningWorker>();
  const retention = new RecordedRetention(recordedQueue, {
    maxAgeMs: config.AUDIT_RECORDED_RETENTION_SECONDS * 1000,
    maxWaiting: config.AUDIT_RECORDED_MAX_JOBS,
    onDropped: (count, why) => {
      metrics.recordedDropped.inc({ reason: why }, count);
      logger.warn({ count, reason: why }, 'audit-recorded notifications dropped unconsumed');
    },
  });

  const startWorker = ({ concurrency = config.AUDIT_WORKER_CONCURRENCY, batchSize = config.AUDIT_BATCH_SIZE, name }: WorkerOptions = {}): RunningWorker => {
    const connection = createRedis(config.REDIS_URL, 'worker');
    const appender = new ChainAppender({
      records,
      sealer,
      logger,
      batchSize,
      publish: (events) => publishRecorded(recordedQueue, events),
      onAppended: (accountId, from, written) => {
        metrics.recordsWritten.inc(written.length);
        metrics.chainHead.set({ account: accountId }, written[written.length - 1].seq);
        checkpointer.noteAppended(accountId, from, written);
      },
    });
    const worker = createAuditEventsWorker({
      connection,
      prefix,
      concurrency,
      appender,
      verifier,
      quarantine: quarantineQueue,
      onQuarantined: (reason) => metrics.eventsQuarantined.inc({ reason }),
      logger,
      name,
    });
    const running: RunningWorker = {
      worker,
      appender,
      close: async () => {
        workers.delete(running);
        await worker.close();
        await quitRedis(connection);
      },
    };
    workers.add(running);
    return running;
  };

  const stopWorkers = async () => {
    await Promise.all([...workers].map((running) => running.close()));
  };

  // The heads kept outside this database, by the producers that were told their events are recorded.
  const anchors = config.AUDIT_ANCHOR_SOURCES.length > 0 ? new AnchorSources(config.AUDIT_ANCHOR_SOURCES, config.INTERNAL_KEYS) : undefined;
  const jobs = new VerificationJobs({ records, checkpoints, signer, sealer, anchors, verifications, logger });
  const { app, admin } = createApp({ config, logger, mongo, redis, records, checkpoints, tree, checkpointer, signer, sealer, metrics, anchors, jobs });
  return {
    app,
    admin,
    mongo,
    redis,
    records,
    checkpoints,
    tree,
    checkpointer,
    signer,
    sealer,
    metrics,
    eventsQueue,
    quarantineQueue,
    recordedQueue,
    startWorker,
    stopWorkers,
    start: async () => {
      await redisReady([redis, queues], START_WITHOUT_REDIS_AFTER_MS);
      if (config.AUDIT_ROLE === 'api') return;
      startWorker();
      checkpointer.start(config.AUDIT_CHECKPOINT_INTERVAL_MS);
      retention.start(60_000, (error) => logger.warn({ err: error }, 'audit-recorded retention trim failed; the next one retries'));
      // Heads left unsigned by a replica that stopped are signed now, in the background.
      checkpointer.sweep().catch((error) => logger.warn({ err: error }, 'start-up checkpoint sweep failed'));
      logger.info({ concurrency: config.AUDIT_WORKER_CONCURRENCY, batchSize: config.AUDIT_BATCH_SIZE }, 'audit worker consuming audit-events');
    },
    close: async () => {
      await stopWorkers();
      await jobs.stop();
      await checkpointer.stop();
      await retention.stop();
      await atMost(1_000, Promise.all([recordedQueue.close(), eventsQueue.close(), quarantineQueue.close()]));
      await mongo.close();
      await Promise.all([quitRedis(redis), quitRedis(queues)]);
    },
  };
}
