import { UnrecoverableError, Worker, type Queue } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import type { Logger } from '@warden/config';
import { AUDIT_EVENTS_QUEUE, changeEventSchema, type ChangeEvent, type ChangeEventVerifier, type EventRejection } from '@warden/contracts-events';
import type { ChainAppender } from '../../domain/append-to-chain.use-case';
import { redactSecrets } from '@warden/audit-feature';

export interface AuditEventsWorkerOptions {
  /** A `createRedis(url, 'worker')` connection. */
  connection: Redis | Cluster;
  prefix?: string;
  concurrency: number;
  appender: ChainAppender;
  /** Holds the producers' keys: a job it does not authenticate is never recorded. */
  verifier: ChangeEventVerifier;
  /** Where refused jobs go (`audit-events-quarantine`): kept for `warden audit quarantined` and `replay --quarantined`. */
  quarantine: Queue<QuarantinedJob>;
  /** Called once per refused job (the `audit_events_quarantined_total` counter). */
  onQuarantined?: (reason: EventRejection) => void;
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

/** A job of audit-events the worker refused, as it sits on `audit-events-quarantine` (job id = the refused job's id). */
export interface QuarantinedJob {
  reason: EventRejection;
  /** The producer and key id the job claimed, when it had the shape of a signed event. */
  producer?: string;
  keyId?: string;
  quarantinedAt: string;
  /** The refused job's name and data, as they were: a replay puts them back on audit-events. */
  name: string;
  data: unknown;
}

/**
 * Consumes audit-events. Redis is not trusted, so a job is first authenticated: a job its producer
 * did not sign (no MAC, an unknown producer or key id, a MAC that does not match the event, a
 * producer speaking for another's object type) is never recorded; it is moved to
 * `audit-events-quarantine`, logged at warn (job id and reason, never the event) and counted, and
 * the job completes. An event that does not match the contract can never succeed, so it fails
 * at once (UnrecoverableError) into the failed set, where `warden audit failed` shows it and
 * `warden audit replay` retries it; other failures retry with the producer's backoff.
 */
export function createAuditEventsWorker({ connection, prefix, concurrency, appender, verifier, quarantine, onQuarantined, logger, name }: AuditEventsWorkerOptions): Worker {
  const worker = new Worker(
    AUDIT_EVENTS_QUEUE,
    async (job) => {
      const checked = verifier.verify(job.data);
      if (!checked.ok) {
        const { reason, producer, keyId } = checked;
        const entry: QuarantinedJob = { reason, producer, keyId, quarantinedAt: new Date().toISOString(), name: job.name, data: job.data };
        // Added before the job completes: if Redis fails here, the job retries and is moved aside then.
        await quarantine.add(job.name, entry, { jobId: String(job.id) });
        logger.warn({ jobId: job.id, reason, producer, keyId }, 'audit event refused: not authenticated by its producer; moved to audit-events-quarantine');
        onQuarantined?.(reason);
        return { quarantined: reason };
      }
      const parsed = changeEventSchema.safeParse(checked.event);
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
