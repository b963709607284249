import { Queue, QueueEvents, Worker, type Job, type WorkerOptions } from 'bullmq';
import { Cluster, type Redis } from 'ioredis';
import { AUDIT_RECORDED_QUEUE, type RecordedEvent } from '@warden/contracts-events';

/**
 * `audit-recorded` carries one job per written record (job id = record id, so a re-publish after a
 * crash is one job). Completed jobs stay an hour so `audit tail` can read a job it saw added even
 * if a consumer was faster.
 */
export function createRecordedQueue(connection: Redis | Cluster, prefix?: string): Queue<RecordedEvent> {
  return new Queue<RecordedEvent>(AUDIT_RECORDED_QUEUE, {
    connection,
    prefix,
    defaultJobOptions: {
      attempts: 10,
      backoff: { type: 'exponential', delay: 1_000 },
      removeOnComplete: { age: 3_600, count: 100_000 },
      removeOnFail: { age: 7 * 24 * 3_600 },
    },
  });
}

export async function publishRecorded(queue: Queue<RecordedEvent>, events: RecordedEvent[]): Promise<void> {
  if (events.length === 0) return;
  await queue.addBulk(events.map((data) => ({ name: data.event.auditType, data, opts: { jobId: data.record.id } })));
}

export interface RecordedConsumerOptions {
  /** A `createRedis(url, 'worker')` connection. */
  connection: Redis | Cluster;
  prefix?: string;
  concurrency?: number;
  worker?: Omit<WorkerOptions, 'connection' | 'prefix' | 'concurrency'>;
}

/**
 * Consumes `audit-recorded`: `handler` runs once per recorded change (at least once: make it
 * idempotent on `record.id`); a throw retries the job with backoff. Close the worker on shutdown.
 * Every consumer on the queue shares its jobs, so give each independent consumer its own prefix.
 */
export function consumeRecordedEvents(
  handler: (event: RecordedEvent, job: Job<RecordedEvent>) => Promise<void>,
  { connection, prefix, concurrency = 10, worker }: RecordedConsumerOptions,
): Worker<RecordedEvent> {
  return new Worker<RecordedEvent>(AUDIT_RECORDED_QUEUE, (job) => handler(job.data, job), { ...worker, connection, prefix, concurrency });
}

/**
 * Follows `audit-recorded` without taking any job: it listens to the queue's event stream and
 * reads each added job, so real consumers still get every job. Returns a function that stops.
 */
export async function followRecordedEvents(
  onEvent: (event: RecordedEvent) => void,
  { connection, prefix }: { connection: Redis | Cluster; prefix?: string },
): Promise<() => Promise<void>> {
  const queue = new Queue<RecordedEvent>(AUDIT_RECORDED_QUEUE, { connection, prefix });
  await queue.waitUntilReady();
  // From the stream's current end, pinned now: '$' would only start whenever the first read runs.
  const [last] = await connection.xrevrange(queue.keys.events, '+', '-', 'COUNT', 1);
  const own = connection instanceof Cluster ? connection.duplicate() : connection.duplicate();
  const events = new QueueEvents(AUDIT_RECORDED_QUEUE, { connection: own, prefix, lastEventId: last?.[0] ?? '0-0' });
  let chain = Promise.resolve();
  events.on('added', ({ jobId }) => {
    // In order: each lookup waits for the previous one so the tail prints in seq order per account.
    chain = chain.then(async () => {
      const job = await queue.getJob(jobId).catch(() => undefined);
      if (job?.data) onEvent(job.data);
    });
  });
  await events.waitUntilReady();
  return async () => {
    await events.close();
    await chain;
    await queue.close();
  };
}
