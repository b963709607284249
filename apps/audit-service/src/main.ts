import { Queue } from 'bullmq';
import { createLogger } from '@warden/config';
import { runService } from '@warden/http';
import { connectMongo } from '@warden/data';
import { createRedis } from '@warden/queue';
import { AUDIT_EVENTS_QUEUE } from '@warden/contracts-events';
import { CheckpointSigner, createRecordedQueue, loadSigningKey, publishRecorded } from '@warden/audit-client';
import { AuditCheckpointRepository, AuditRecordRepository } from '@warden/audit-data-access';
import { loadConfig } from './config';
import { createApp } from './app';
import { createAuditMetrics } from './audit-metrics';
import { ChainAppender } from './domain/append-to-chain.use-case';
import { Checkpointer } from './domain/checkpoint.use-case';
import { RecordSealer } from './domain/record-seal';
import { createAuditEventsWorker } from './entry-points/queue/audit-events.consumer';

const logger = createLogger({ name: 'audit-service', level: process.env.LOG_LEVEL, file: process.env.LOG_FILE });

void runService('audit-service', logger, async () => {
  const config = loadConfig();
  const signingKey = loadSigningKey(config.AUDIT_SIGNING_KEY);
  const signer = new CheckpointSigner(signingKey);
  const sealer = new RecordSealer(signingKey);
  const mongo = await connectMongo(config.MONGODB_URL, config.MONGODB_DB);
  const records = new AuditRecordRepository(mongo);
  const checkpoints = new AuditCheckpointRepository(mongo);
  await Promise.all([records.ready(), checkpoints.ready()]);
  const redis = createRedis(config.REDIS_URL, 'client');
  const runsWorker = config.AUDIT_ROLE !== 'api';
  const prefix = config.AUDIT_QUEUE_PREFIX;

  const workerRedis = runsWorker ? createRedis(config.REDIS_URL, 'worker') : undefined;
  const eventsQueue = workerRedis ? new Queue(AUDIT_EVENTS_QUEUE, { connection: workerRedis, prefix }) : undefined;
  const metrics = createAuditMetrics(eventsQueue);
  const checkpointer = new Checkpointer({
    records,
    checkpoints,
    signer,
    sealer,
    logger,
    every: config.AUDIT_CHECKPOINT_EVERY,
    onSigned: () => metrics.checkpointsSigned.inc(),
    onRefused: () => metrics.checkpointsRefused.inc(),
  });

  let closeWorker = async () => undefined as void;
  if (workerRedis && eventsQueue) {
    const recordedQueue = createRecordedQueue(workerRedis, prefix);
    const appender = new ChainAppender({
      records,
      sealer,
      logger,
      batchSize: config.AUDIT_BATCH_SIZE,
      publish: (events) => publishRecorded(recordedQueue, events),
      onAppended: (accountId, from, written) => {
        metrics.recordsWritten.inc(written.length);
        metrics.chainHead.set({ account: accountId }, written[written.length - 1].seq);
        checkpointer.noteAppended(accountId, from, written);
      },
    });
    const worker = createAuditEventsWorker({ connection: workerRedis, prefix, concurrency: config.AUDIT_WORKER_CONCURRENCY, appender, logger });
    checkpointer.start(config.AUDIT_CHECKPOINT_INTERVAL_MS);
    // Heads left unsigned by a replica that stopped are signed now, in the background.
    checkpointer.sweep().catch((error) => logger.warn({ err: error }, 'start-up checkpoint sweep failed'));
    closeWorker = async () => {
      await worker.close();
      await checkpointer.stop();
      await Promise.all([recordedQueue.close(), eventsQueue.close()]);
      workerRedis.disconnect();
    };
    logger.info({ concurrency: config.AUDIT_WORKER_CONCURRENCY, batchSize: config.AUDIT_BATCH_SIZE }, 'audit worker consuming audit-events');
  }

  const app = createApp({ config, logger, mongo, redis, records, checkpoints, checkpointer, signer, sealer, metrics });
  const server = app.listen(config.PORT);
  logger.info({ port: config.PORT, role: config.AUDIT_ROLE }, 'audit-service listening');
  return {
    servers: [server],
    close: async () => {
      await closeWorker();
      await checkpointer.stop();
      await mongo.close();
      redis.disconnect();
    },
  };
});
