import { Queue } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import type { Logger } from '@warden/config';
import { OutboxRelay, type OutboxRelayOptions } from './outbox-relay';
import { AUDIT_EVENTS_QUEUE, type ChangeEvent, type ChangeEventSigner, type SignedChangeEvent } from '@warden/contracts-events';

/**
 * Completed jobs are kept for a day: BullMQ ignores an add whose job id still exists, which is what
 * makes a relay that republishes after a crash harmless.
 *
 * The queue must survive any Redis outage on a `createRedis(url, 'producer')` connection. BullMQ
 * sets a queue's connection up once: it waits for Redis, then asks for its version (INFO) and
 * remembers the outcome for good. A producer connection fails commands at once while Redis is down
 * (no offline queue, one retry), so an outage during that INFO left a queue whose every add failed
 * forever, however often Redis came back: events stayed in their outboxes until the process
 * restarted. Hence no version check (Warden runs on Redis 7; BullMQ needs 5): an add while Redis
 * is down fails, the event stays in its outbox, and the first add after Redis is back succeeds.
 */
export function createAuditEventsQueue(connection: Redis | Cluster, prefix?: string, logger?: Logger): Queue<SignedChangeEvent> {
  const queue = new Queue<SignedChangeEvent>(AUDIT_EVENTS_QUEUE, {
    connection,
    prefix,
    skipVersionCheck: true,
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

/**
 * Job id = event id: the same event published twice is one job. The job is the event signed by its
 * producer (`SignedChangeEvent`): signed here, at publish time, so every way out of a process (its
 * relay, the CLI's flush, `AuditReporter`) signs and nothing else has to.
 */
export async function publishChangeEvent(queue: Queue<SignedChangeEvent>, event: ChangeEvent, signer: ChangeEventSigner): Promise<void> {
  await queue.add(event.auditType, signer.sign(event), { jobId: event.id });
}

/** The outbox settings every producing service reads from its environment (`outboxEnvShape`). */
export interface OutboxSettings {
  OUTBOX_POLL_MS: number;
  OUTBOX_TAKE_OVER_MS: number;
  OUTBOX_CONFIRM_AFTER_MS?: number;
  OUTBOX_REPUBLISH_AFTER_MS?: number;
}

/**
 * A service's outbox relay: it publishes the events in `models`' outboxes to `queue`, signed by
 * `signer` (the service's producer key for the audit service), removes them once `recorded` (the
 * audit service, `recordedEventsClient`) confirms them, runs its own
 * writes under the service's per-collection serialisation (`exclusive`), and takes over another
 * replica's events only once they are stale (see OutboxRelayOptions.takeOverAfterMs).
 */
export function createOutboxRelay(
  settings: OutboxSettings,
  {
    models,
    queue,
    signer,
    logger,
    exclusive,
    recorded,
  }: Pick<OutboxRelayOptions, 'models' | 'logger' | 'exclusive' | 'recorded'> & { queue: Queue<SignedChangeEvent>; signer: ChangeEventSigner },
): OutboxRelay {
  return new OutboxRelay({
    models,
    publish: (event) => publishChangeEvent(queue, event, signer),
    logger,
    intervalMs: settings.OUTBOX_POLL_MS,
    exclusive,
    takeOverAfterMs: settings.OUTBOX_TAKE_OVER_MS,
    recorded,
    confirmAfterMs: settings.OUTBOX_CONFIRM_AFTER_MS,
    republishAfterMs: settings.OUTBOX_REPUBLISH_AFTER_MS,
  });
}
