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
  /**
   * When each event still in `outbox` was last published (event id → time). A published event
   * stays in the outbox until the audit service says it is recorded; one not recorded within
   * `republishAfterMs` is published again (Redis may have lost it).
   */
  outboxPublishedAt?: Record<string, Date>;
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
  /**
   * Which of these published event ids the audit service has recorded (`recordedEventsClient`).
   * Only those leave the outbox; unset (the CLI's one-shot flush), published events are marked and
   * stay for a service's relay to confirm. A rejection (the audit service unreachable) is logged and
   * the events stay.
   */
  recorded?: (eventIds: string[]) => Promise<string[]>;
  /** An event is first asked about this long after it was published (default 3 s). */
  confirmAfterMs?: number;
  /** An event published this long ago and still not recorded is published again (default 30 s). */
  republishAfterMs?: number;
}

/** When the relay last published the event, if it did (epoch ms). */
function publishedAt(doc: OutboxDocument, eventId: string): number | undefined {
  const at = doc.outboxPublishedAt?.[eventId];
  return at ? new Date(at).getTime() : undefined;
}

/**
 * Moves change events from documents' outboxes to the queue. A change and its event are written in
 * one single-document update, so nothing is lost if the process dies or Redis is down. A published
 * event is marked (`outboxPublishedAt`) and stays in its outbox until the audit service confirms it
 * is recorded, so a Redis that loses acknowledged writes loses no event: it is published again.
 * Publishing is at-least-once, and the queue's job id (= event id) plus the consumer's unique index
 * make it exactly-once in effect. Safe to run in every replica at once.
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
  /** Documents this process published events of that are not confirmed yet: it confirms them itself. */
  private readonly awaiting = new Set<unknown>();
  private readonly intervalMs: number;
  private readonly batchSize: number;
  private readonly confirmAfterMs: number;
  private readonly republishAfterMs: number;
  private lastConfirmWarning = 0;

  constructor(private readonly options: OutboxRelayOptions) {
    this.intervalMs = options.intervalMs ?? 1_000;
    this.batchSize = options.batchSize ?? 100;
    this.confirmAfterMs = options.confirmAfterMs ?? 3_000;
    this.republishAfterMs = options.republishAfterMs ?? 30_000;
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
   * Publishes everything pending now, or only the events of `documentIds`, and removes those the
   * audit service already confirms; resolves once every event there is published (tests, shutdown,
   * and the CLI for the documents it wrote use it). Published events stay until confirmed.
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
    const taken = [...this.own, ...this.awaiting];
    this.own.clear();
    this.awaiting.clear();
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
    // A published event is stale only once its publication is `republishAfterMs` older still: its
    // writer, while it lives, publishes it again that often until the audit service confirms it
    // (a confirmation can wait long when the audit service is down or Redis lost the job), and
    // FerretDB v1 can undo one of two concurrent writes to a document.
    const abandoned = takeOver === undefined ? 0 : Date.now() - takeOver - this.republishAfterMs;
    const takeable = (doc: OutboxDocument) =>
      !named || named.has(doc._id) || (doc.outbox ?? []).every((event) => event.occurredAt < stale! && (publishedAt(doc, event.id) ?? 0) < abandoned);
    try {
      for (const model of this.options.models) {
        // In `_id` order, each batch after the last one's end: published events stay until confirmed.
        let after: unknown;
        let fetched: number;
        do {
          ({ fetched, last: after } = await this.drainBatch(model, after === undefined ? filter : { $and: [filter, { _id: { $gt: after } }] }, takeable));
        } while (fetched === this.batchSize && !this.stopped);
      }
    } catch (error) {
      for (const id of taken) this.own.add(id);
      throw error;
    }
  }

  /** The ids among `eventIds` the audit service has recorded; none while it cannot say. */
  private async recordedAmong(eventIds: string[]): Promise<Set<string>> {
    if (!this.options.recorded || eventIds.length === 0) return new Set();
    try {
      return new Set(await this.options.recorded(eventIds));
    } catch (error) {
      if (Date.now() - this.lastConfirmWarning >= 30_000) {
        this.lastConfirmWarning = Date.now();
        this.options.logger.warn({ err: error, events: eventIds.length }, 'audit service unreachable; published events stay in their outboxes until it confirms them');
      }
      return new Set();
    }
  }

  private async drainBatch(
    model: Model<any>,
    filter: Record<string, unknown>,
    takeable: (doc: OutboxDocument) => boolean,
  ): Promise<{ fetched: number; last: unknown }> {
    const fetched = (await model
      .find(filter, { outbox: 1, deletedAt: 1, outboxPublishedAt: 1 })
      .sort({ _id: 1 })
      .limit(this.batchSize)
      .lean()) as OutboxDocument[];
    const pending = fetched.filter(takeable);
    const now = Date.now();
    // One question for the whole batch: which events published long enough ago are recorded.
    const due = pending.flatMap((doc) => (doc.outbox ?? []).filter((event) => now - (publishedAt(doc, event.id) ?? now + 1) >= this.confirmAfterMs).map((event) => event.id));
    const recorded = await this.recordedAmong(due);
    const exclusive = this.options.exclusive ?? ((_model, work) => work());
    for (const doc of pending) {
      const events = doc.outbox ?? [];
      const done = events.filter((event) => recorded.has(event.id));
      const toPublish = events.filter((event) => {
        if (recorded.has(event.id)) return false;
        const at = publishedAt(doc, event.id);
        return at === undefined || now - at >= this.republishAfterMs;
      });
      for (const event of toPublish) await this.options.publish(event);
      // Marks of events no longer in the outbox (another replica removed them) go too.
      const inOutbox = new Set(events.map((event) => event.id));
      const unmark = [...done.map((event) => event.id), ...Object.keys(doc.outboxPublishedAt ?? {}).filter((id) => !inOutbox.has(id))];
      if (events.length > done.length) this.awaiting.add(doc._id);
      if (toPublish.length === 0 && unmark.length === 0) continue;
      const update: Record<string, Record<string, unknown>> = {};
      // `$pullAll` of the exact elements read: FerretDB v1 ignores `$pull` with a query condition.
      if (done.length > 0) update.$pullAll = { outbox: done };
      if (toPublish.length > 0) update.$set = Object.fromEntries(toPublish.map((event) => [`outboxPublishedAt.${event.id}`, new Date(now)]));
      if (unmark.length > 0) update.$unset = Object.fromEntries(unmark.map((id) => [`outboxPublishedAt.${id}`, '']));
      await exclusive(model, async () => {
        await model.collection.updateOne({ _id: doc._id } as any, update as any);
        if (doc.deletedAt && done.length > 0) {
          // Only a tombstone with nothing left to say goes away; a concurrent writer's event keeps
          // it, and so does a writer that still needs it.
          await model.deleteOne({ _id: doc._id, deletedAt: { $ne: null }, 'outbox.0': { $exists: false }, keepTombstone: { $ne: true } });
        }
      });
    }
    return { fetched: fetched.length, last: fetched[fetched.length - 1]?._id };
  }
}
