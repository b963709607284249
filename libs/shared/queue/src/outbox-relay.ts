import type { Model } from 'mongoose';
import type { Logger } from '@warden/config';
import type { ChangeEvent } from '@warden/contracts-events';

/** A document that carries the events of its own changes until they are published. */
export interface OutboxDocument {
  _id: unknown;
  outbox?: ChangeEvent[];
  /** Set on a delete: the document stays as a tombstone until its last event is out. */
  deletedAt?: Date | null;
  /**
   * Set while the writer still needs the tombstone (a revocation whose signal is not stored yet,
   * so that repeating the request finds it): it stays after its last event is out, until the
   * writer clears this and removes it.
   */
  keepTombstone?: boolean;
}

export interface OutboxRelayOptions {
  /** The collections whose documents carry an `outbox` array. */
  models: Model<any>[];
  publish: (event: ChangeEvent) => Promise<void>;
  logger: Logger;
  /** Safety-net poll: picks up events left by a crashed process or a Redis outage. */
  intervalMs?: number;
  batchSize?: number;
  /**
   * Runs the relay's own writes to a collection (clearing published entries, removing a tombstone)
   * under the same in-process serialisation as the service's writes to it. FerretDB v1 applies an
   * update as a read-modify-write without document-level atomicity, so two concurrent updates of
   * one document can lose one; a service that serialises its writes per collection passes the hook.
   */
  exclusive?: <T>(model: Model<any>, work: () => Promise<T>) => Promise<T>;
  /**
   * Set, the relay drains the documents this process wrote (named by `kick(id)`) at once, and any
   * other document only once all its events are this old: it was left by a replica that stopped or
   * could not reach Redis, and nobody has written it since (a live writer drains it itself). Clearing an outbox is a write, and on FerretDB v1 a write that runs
   * while another process writes the same document can undo that write and drop its event; the
   * in-process `exclusive` hook cannot order writes of two replicas. Unset, every drain takes every
   * pending document (one process, or MongoDB, where single-document updates are atomic).
   */
  takeOverAfterMs?: number;
}

/**
 * Moves change events from documents' outboxes to the queue. A change and its event are written in
 * one single-document update, so nothing is lost if the process dies or Redis is down; publishing
 * is at-least-once, and the queue's job id (= event id) plus the consumer's unique index make it
 * exactly-once in effect. Safe to run in every replica at once.
 */
export class OutboxRelay {
  private timer?: NodeJS.Timeout;
  private draining?: Promise<void>;
  private again = false;
  private stopped = false;
  /** Kicks drain only once started: a relay that is not running publishes nothing unless flushed. */
  private started = false;
  /** Documents this process wrote whose events it has not published yet. */
  private readonly own = new Set<unknown>();
  private readonly intervalMs: number;
  private readonly batchSize: number;

  constructor(private readonly options: OutboxRelayOptions) {
    this.intervalMs = options.intervalMs ?? 1_000;
    this.batchSize = options.batchSize ?? 100;
  }

  start(): this {
    this.started = true;
    this.timer = setInterval(() => this.kick(), this.intervalMs);
    this.timer.unref();
    this.kick();
    return this;
  }

  /** Called right after a write (naming the document written) so events go out at once rather than on the next poll. */
  kick(documentId?: unknown): void {
    if (documentId !== undefined) this.own.add(documentId);
    if (this.stopped || !this.started) return;
    if (this.draining) {
      this.again = true;
      return;
    }
    this.draining = this.drainAll()
      .catch((error) => this.options.logger.warn({ err: error }, 'outbox relay paused; will retry'))
      .finally(() => {
        this.draining = undefined;
        if (this.again && !this.stopped) {
          this.again = false;
          this.kick();
        }
      });
  }

  /**
   * Publishes everything pending now, or only the events of `documentIds`; resolves when those
   * outboxes are empty (tests, shutdown, and the CLI for the documents it wrote use it).
   */
  async flush(documentIds?: unknown[]): Promise<void> {
    await this.draining;
    await this.drainAll(documentIds ? { ids: documentIds } : 'all');
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.draining;
  }

  /**
   * One drain: every pending document (`all`, and always without `takeOverAfterMs`), or the named
   * ones and this process's own, plus any whose oldest event is older than `takeOverAfterMs`.
   */
  private async drainAll(scope: 'all' | { ids: unknown[] } = { ids: [] }): Promise<void> {
    // Taken now: a write that kicks while this drain runs adds its id back for the next one.
    const taken = [...this.own];
    this.own.clear();
    const takeOver = this.options.takeOverAfterMs;
    let filter: Record<string, unknown> = { 'outbox.0': { $exists: true } };
    let named: Set<unknown> | undefined;
    let stale: string | undefined;
    if (scope !== 'all' && takeOver !== undefined) {
      named = new Set([...scope.ids, ...taken]);
      stale = new Date(Date.now() - takeOver).toISOString();
      filter = { ...filter, $or: [{ _id: { $in: [...named] } }, { 'outbox.0.occurredAt': { $lt: stale } }] };
    } else if (scope !== 'all' && scope.ids.length > 0) {
      filter = { ...filter, _id: { $in: scope.ids } };
    }
    // Another replica's document only when every event in it is stale (FerretDB v1 cannot query
    // that: `$not`/`$elemMatch` match too much), so a document its writer still writes is left alone.
    const takeable = (doc: OutboxDocument) => !named || named.has(doc._id) || (doc.outbox ?? []).every((event) => event.occurredAt < stale!);
    try {
      for (const model of this.options.models) {
        let batch: { fetched: number; published: number };
        do {
          batch = await this.drainBatch(model, filter, takeable);
        } while (batch.fetched === this.batchSize && batch.published > 0 && !this.stopped);
      }
    } catch (error) {
      for (const id of taken) this.own.add(id);
      throw error;
    }
  }

  private async drainBatch(
    model: Model<any>,
    filter: Record<string, unknown>,
    takeable: (doc: OutboxDocument) => boolean,
  ): Promise<{ fetched: number; published: number }> {
    const fetched = (await model.find(filter, { outbox: 1, deletedAt: 1 }).limit(this.batchSize).lean()) as OutboxDocument[];
    const pending = fetched.filter(takeable);
    for (const doc of pending) {
      const events = doc.outbox ?? [];
      for (const event of events) await this.options.publish(event);
      const exclusive = this.options.exclusive ?? ((_model, work) => work());
      await exclusive(model, async () => {
        // `$pullAll` of the exact elements read: FerretDB v1 ignores `$pull` with a query condition.
        await model.collection.updateOne({ _id: doc._id } as any, { $pullAll: { outbox: events } } as any);
        if (doc.deletedAt) {
          // Only a tombstone with nothing left to say goes away; a concurrent writer's event keeps
          // it, and so does a writer that still needs it.
          await model.deleteOne({ _id: doc._id, deletedAt: { $ne: null }, 'outbox.0': { $exists: false }, keepTombstone: { $ne: true } });
        }
      });
    }
    return { fetched: fetched.length, published: pending.length };
  }
}
