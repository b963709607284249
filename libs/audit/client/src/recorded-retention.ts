import type { Queue } from 'bullmq';
import type { RecordedEvent } from '@warden/contracts-events';

/** Jobs one clean script looks at: Redis is busy for that long and no longer. */
const CLEAN_CHUNK = 1_000;

export interface RecordedRetentionOptions {
  /** A waiting job older than this is dropped: nobody consumed it in time. */
  maxAgeMs: number;
  /** At most this many jobs wait; beyond it the oldest are dropped. */
  maxWaiting: number;
  /** Told how many jobs each trim dropped (logs, metrics). */
  onDropped?: (count: number, why: 'age' | 'count') => void;
}

/**
 * Bounds `audit-recorded` when nothing (or too little) consumes it: the audit trail itself is in
 * MongoDB, so these notifications are a convenience for internal consumers and may expire. Trims
 * run on one interval; several audit replicas trimming at once remove each job once.
 */
export class RecordedRetention {
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;

  constructor(
    private readonly queue: Queue<RecordedEvent>,
    private readonly options: RecordedRetentionOptions,
  ) {}

  /** One trim: first by age, then the oldest beyond the count. Returns how many jobs it dropped. */
  async trimOnce(): Promise<number> {
    // BullMQ's clean is one Lua script over the range it is given, and Redis runs nothing else
    // meanwhile: without a limit it reads every waiting job (up to a million here). With a limit it
    // takes the list's oldest end, so the trims go a chunk at a time from there, and the age trim
    // stops at the first chunk that held a younger job.
    let old = 0;
    for (let removed = CLEAN_CHUNK; removed === CLEAN_CHUNK; old += removed) {
      removed = (await this.queue.clean(this.options.maxAgeMs, CLEAN_CHUNK, 'wait')).length;
    }
    if (old > 0) this.options.onDropped?.(old, 'age');
    // With no grace and a limit, exactly the oldest `limit`.
    let surplus = 0;
    for (let excess = (await this.queue.getWaitingCount()) - this.options.maxWaiting; excess > 0; ) {
      const removed = (await this.queue.clean(0, Math.min(excess, CLEAN_CHUNK), 'wait')).length;
      if (removed === 0) break;
      surplus += removed;
      excess -= removed;
    }
    if (surplus > 0) this.options.onDropped?.(surplus, 'count');
    return old + surplus;
  }

  start(intervalMs: number, onError: (error: unknown) => void): this {
    this.timer = setInterval(() => {
      this.running ??= this.trimOnce()
        .catch((error) => {
          onError(error);
          return 0;
        })
        .finally(() => (this.running = undefined));
    }, intervalMs);
    this.timer.unref();
    return this;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
