import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '@warden/config';
import { AUDIT_EVENTS_QUEUE, type ChangeEvent } from '@warden/contracts-events';

/**
 * Completed jobs are kept for a day: BullMQ ignores an add whose job id still exists, which is what
 * makes a relay that republishes after a crash harmless.
 */
export function createAuditEventsQueue(connection: Redis, prefix?: string, logger?: Logger): Queue<ChangeEvent> {
  const queue = new Queue<ChangeEvent>(AUDIT_EVENTS_QUEUE, {
    connection,
    prefix,
    defaultJobOptions: {
      attempts: 10,
      backoff: { type: 'exponential', delay: 500 },
      removeOnComplete: { age: 24 * 3600 },
      removeOnFail: false,
    },
  });
  let lastWarning = 0;
  queue.on('error', (error) => {
    // Events wait in their outboxes meanwhile; one line per half-minute says so without flooding the log.
    if (!logger || Date.now() - lastWarning < 30_000) return;
    lastWarning = Date.now();
    logger.warn({ err: error }, 'audit-events queue unreachable; change events wait in their outboxes');
  });
  return queue;
}

/** Job id = event id: the same event published twice is one job. */
export async function publishChangeEvent(queue: Queue<ChangeEvent>, event: ChangeEvent): Promise<void> {
  await queue.add(event.auditType, event, { jobId: event.id });
}
