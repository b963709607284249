import type { Logger } from '@warden/config';
import type { ChangeEvent, RecordedEvent } from '@warden/contracts-events';
import { isDuplicateKeyError } from '@warden/data';
import { GENESIS_HASH, type ChainHead } from '@warden/audit-client';
import type { AuditRecordDoc, AuditRecordRepository } from '@warden/audit-data-access';
import { buildRecord, type RecordSealer } from '@warden/audit-feature';

export interface AppendOutcome {
  record: AuditRecordDoc;
  /** The event was already recorded (a redelivery): nothing new was written. */
  duplicate: boolean;
}

export interface ChainAppenderOptions {
  records: AuditRecordRepository;
  sealer: RecordSealer;
  logger: Logger;
  /** Largest number of records one insert writes. */
  batchSize: number;
  /** Publishes the written records on audit-recorded; an append completes only once this has. */
  publish: (events: RecordedEvent[]) => Promise<void>;
  /** `written` was inserted as one contiguous run right on top of `from`. */
  onAppended?: (accountId: string, from: ChainHead, written: AuditRecordDoc[]) => void;
  /** Attempts per batch under contention before the jobs are handed back to the queue for a retry. */
  maxAttempts?: number;
}

interface Pending {
  event: ChangeEvent;
  resolve: (outcome: AppendOutcome) => void;
  reject: (error: unknown) => void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function recordedEvent(event: ChangeEvent, record: AuditRecordDoc): RecordedEvent {
  return {
    event,
    record: { id: record._id, seq: record.seq, hash: record.hash, prevHash: record.prevHash, timestamp: record.timestamp.toISOString() },
  };
}

/**
 * Appends events to their account's chain. Events of one account queue up while that account's
 * previous insert is in flight and go out together as one ordered insert of consecutive seqs
 * (group commit), so throughput grows with load. Safety does not depend on this process being
 * alone: the unique (accountId, seq) index refuses a second record at any seq, and the unique
 * eventId index a second record of any event. On a duplicate key the appender finds out which of
 * its events are already recorded (idempotent), re-reads the head and retries the rest.
 */
export class ChainAppender {
  private readonly pending = new Map<string, Pending[]>();
  private readonly heads = new Map<string, ChainHead>();
  private readonly draining = new Set<string>();
  private readonly maxAttempts: number;

  constructor(private readonly options: ChainAppenderOptions) {
    this.maxAttempts = options.maxAttempts ?? 100;
  }

  append(event: ChangeEvent): Promise<AppendOutcome> {
    return new Promise((resolve, reject) => {
      const queue = this.pending.get(event.accountId);
      if (queue) queue.push({ event, resolve, reject });
      else this.pending.set(event.accountId, [{ event, resolve, reject }]);
      if (!this.draining.has(event.accountId)) void this.drain(event.accountId);
    });
  }

  private async drain(accountId: string): Promise<void> {
    this.draining.add(accountId);
    try {
      for (;;) {
        const queue = this.pending.get(accountId);
        if (!queue || queue.length === 0) break;
        const batch = queue.splice(0, this.options.batchSize);
        await this.settle(accountId, batch);
      }
    } finally {
      this.pending.delete(accountId);
      this.draining.delete(accountId);
    }
  }

  /** Writes a batch and settles every one of its promises; never throws. */
  private async settle(accountId: string, batch: Pending[]): Promise<void> {
    try {
      const outcomes = await this.write(accountId, batch.map((item) => item.event));
      const settled = batch.map((item) => {
        const outcome = outcomes.get(item.event.id);
        if (!outcome) throw new Error(`event ${item.event.id} was neither written nor found`);
        return { item, outcome };
      });
      await this.options.publish(settled.map(({ item, outcome }) => recordedEvent(item.event, outcome.record)));
      for (const { item, outcome } of settled) item.resolve(outcome);
    } catch (error) {
      if (batch.length > 1 && !isDuplicateKeyError(error)) {
        // One bad event must not fail its neighbours: retry them one by one to isolate it.
        for (const item of batch) await this.settle(accountId, [item]);
        return;
      }
      for (const item of batch) item.reject(error);
    }
  }

  private async readHead(accountId: string): Promise<ChainHead> {
    return (await this.options.records.head(accountId)) ?? { seq: 0, hash: GENESIS_HASH };
  }

  private async write(accountId: string, events: ChangeEvent[]): Promise<Map<string, AppendOutcome>> {
    const outcomes = new Map<string, AppendOutcome>();
    let remaining = [...new Map(events.map((event) => [event.id, event])).values()];
    for (let attempt = 1; remaining.length > 0; attempt++) {
      if (attempt > this.maxAttempts) throw new Error(`could not append to the chain after ${this.maxAttempts} attempts (contention)`);
      const from = this.heads.get(accountId) ?? (await this.readHead(accountId));
      const docs: AuditRecordDoc[] = [];
      let prev = from;
      for (const event of remaining) {
        const doc = buildRecord(event, prev, this.options.sealer);
        docs.push(doc);
        prev = { seq: doc.seq, hash: doc.hash };
      }
      try {
        await this.options.records.insertChain(docs);
        this.heads.set(accountId, prev);
        for (const doc of docs) outcomes.set(doc.eventId, { record: doc, duplicate: false });
        this.options.onAppended?.(accountId, from, docs);
        return outcomes;
      } catch (error) {
        this.heads.delete(accountId);
        if (!isDuplicateKeyError(error)) throw error;
        // Which of ours are in the chain now: written by this insert before the conflict, or
        // recorded earlier (a redelivery). The rest go again on top of the re-read head.
        const stored = new Map((await this.options.records.findByEventIds(remaining.map((e) => e.id))).map((doc) => [doc.eventId, doc]));
        const mine = new Set(docs.map((doc) => doc._id));
        const written = docs.filter((doc) => stored.get(doc.eventId)?._id === doc._id);
        if (written.length > 0) this.options.onAppended?.(accountId, from, written);
        for (const [eventId, doc] of stored) outcomes.set(eventId, { record: doc, duplicate: !mine.has(doc._id) });
        remaining = remaining.filter((event) => !stored.has(event.id));
        if (remaining.length > 0 && written.length === 0) await sleep(Math.random() * Math.min(50, attempt * 2));
      }
    }
    return outcomes;
  }
}
