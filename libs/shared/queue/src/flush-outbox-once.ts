import { once } from 'node:events';
import type { Model } from 'mongoose';
import type { Logger } from '@warden/config';
import type { ChangeEventSigner } from '@warden/contracts-events';
import { OutboxRelay, type OutboxRelayOptions } from './outbox-relay';
import { createAuditEventsQueue, publishChangeEvent } from './producer';
import { createRedis, queuePrefixFor } from './redis';

export interface FlushOutboxOnceOptions {
  redisUrl: string | undefined;
  models: Model<any>[];
  exclusive: OutboxRelayOptions['exclusive'];
  logger: Logger;
  /** Signs the events as this process (the CLI's `cli>audit-service` key); without one nothing is published here. */
  signer: ChangeEventSigner | undefined;
  /** Only these documents' events (the ones this process wrote), so that it never clears an outbox a running service is writing. */
  documentIds?: unknown[];
  queuePrefix?: string;
  /** How long Redis may take to answer before the events are left to the services' relays. */
  timeoutMs?: number;
}

/**
 * For a short-lived process (the operator CLI) that wrote documents with events in their outboxes:
 * publishes those events now if Redis answers quickly, and resolves whether it did. Otherwise the
 * events stay where they are, and the owning service's relay publishes them (signed as that
 * service, which may speak for them): nothing is lost. The same happens without a key to sign with.
 * Published events are marked and stay in their outboxes: the owning service's relay asks the
 * audit service whether they are recorded, removes them then, and publishes them again if not.
 */
export async function flushOutboxOnce({ redisUrl, models, exclusive, logger, signer, documentIds, queuePrefix, timeoutMs = 1_500 }: FlushOutboxOnceOptions): Promise<boolean> {
  if (!redisUrl || !signer) return false;
  const producer = createRedis(redisUrl, 'producer', { retryStrategy: () => null });
  try {
    const ready = await Promise.race([
      once(producer, 'ready').then(() => true),
      once(producer, 'end').then(() => false),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref()),
    ]);
    if (!ready) return false;
    const queue = createAuditEventsQueue(producer, queuePrefixFor(redisUrl, queuePrefix));
    try {
      await new OutboxRelay({ models, publish: (event) => publishChangeEvent(queue, event, signer), logger, exclusive }).flush(documentIds);
      return true;
    } finally {
      await queue.close();
    }
  } catch {
    return false;
  } finally {
    producer.disconnect();
  }
}
