import { UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '@warden/config';
import { AUDIT_EVENTS_QUEUE, changeEventSchema, type ChangeEvent } from '@warden/contracts-events';
import type { ChainAppender } from '../../domain/append-to-chain.use-case';
import { redactSecrets } from '@warden/audit-feature';

export interface AuditEventsWorkerOptions {
  /** A `createRedis(url, 'worker')` connection. */
  connection: Redis;
  prefix?: string;
  concurrency: number;
  appender: ChainAppender;
  logger: Logger;
  /** Shown as the job's `processedBy`. */
  name?: string;
}

/**
 * A worker that dies (SIGKILL, OOM, a lost node) leaves its active jobs locked: another worker
 * takes them back once the lock has expired and its stalled-job check runs. BullMQ's defaults
 * (30 s lock, a check every 30 s, and a job that stalls twice goes to the failed set) made an
 * event wait up to a minute, and fail for good when two workers died holding it, which the chaos
 * run saw. Appends take milliseconds and the lock is renewed every half lock, so 10 s is ample.
 */
export const STALLED_JOBS = { lockDuration: 10_000, stalledInterval: 5_000, maxStalledCount: 20 };

/**
 * Consumes audit-events. An event that does not match the contract can never succeed, so it fails
 * at once (UnrecoverableError) into the failed set, where `warden audit failed` shows it and
 * `warden audit replay` retries it; other failures retry with the producer's backoff.
 */
export function createAuditEventsWorker({ connection, prefix, concurrency, appender, logger, name }: AuditEventsWorkerOptions): Worker {
  const worker = new Worker(
    AUDIT_EVENTS_QUEUE,
    async (job) => {
      const parsed = changeEventSchema.safeParse(job.data);
      if (!parsed.success) {
        // Paths and messages only: the payload itself may hold what must not be logged.
        const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(event)'}: ${issue.message}`);
        throw new UnrecoverableError(`invalid change event: ${issues.join('; ')}`);
      }
      const event: ChangeEvent = { ...parsed.data, detail: redactSecrets(parsed.data.detail) };
      const { record, duplicate } = await appender.append(event);
      return { recordId: record._id, seq: record.seq, duplicate };
    },
    { connection, prefix, concurrency, name, ...STALLED_JOBS },
  );
  worker.on('failed', (job, error) => {
    logger.warn({ jobId: job?.id, attemptsMade: job?.attemptsMade, reason: error.message }, 'audit event failed');
  });
  worker.on('error', (error) => logger.error({ err: error }, 'audit worker error'));
  return worker;
}
