import type { Queue } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import { changeEventSchema, type ChangeEvent, type ChangeEventSigner, type SignedChangeEvent } from '@warden/contracts-events';
import { createAuditEventsQueue, publishChangeEvent } from '@warden/queue';

export class InvalidChangeEventError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid change event: ${issues.join('; ')}`);
    this.name = 'InvalidChangeEventError';
  }
}

/**
 * How an internal service reports its own changes (any object type: `Endpoint`, `RoutingPolicy`…)
 * to the audit trail. Events are validated here, so a bad event fails at its source rather than in
 * the audit worker's failed set, and signed with the service's own key for the audit service (which
 * records only the object types that producer may speak for); the job id is the event id, so
 * reporting twice records once.
 *
 * A service that changes a document should rather put the event in the document's outbox
 * (see OutboxRelay), so the change and its event cannot part; this client is for that relay and
 * for services with nothing to write.
 */
export class AuditReporter {
  constructor(
    private readonly queue: Queue<SignedChangeEvent>,
    private readonly signer: ChangeEventSigner,
  ) {}

  /**
   * `connection` should be a `createRedis(url, 'producer')` connection; `signer` the service's
   * `ChangeEventSigner.forProducer(name, INTERNAL_KEYS)`; `prefix` the BullMQ prefix.
   */
  static connect(connection: Redis | Cluster, signer: ChangeEventSigner, prefix?: string): AuditReporter {
    return new AuditReporter(createAuditEventsQueue(connection, prefix), signer);
  }

  async reportChange(event: ChangeEvent): Promise<ChangeEvent> {
    const parsed = changeEventSchema.safeParse(event);
    if (!parsed.success) {
      throw new InvalidChangeEventError(parsed.error.issues.map((issue) => `${issue.path.join('.') || '(event)'}: ${issue.message}`));
    }
    await publishChangeEvent(this.queue, parsed.data, this.signer);
    return parsed.data;
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
