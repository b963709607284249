import type { Queue } from 'bullmq';
import type { RecordedEvent } from '@warden/contracts-events';

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
    const old = await this.queue.clean(this.options.maxAgeMs, 0, 'wait');
    if (old.length > 0) this.options.onDropped?.(old.length, 'age');
    const excess = (await this.queue.getWaitingCount()) - this.options.maxWaiting;
    // `clean` takes a list's oldest first: with no grace and a limit, exactly the oldest `excess`.
    const surplus = excess > 0 ? await this.queue.clean(0, excess, 'wait') : [];
    if (surplus.length > 0) this.options.onDropped?.(surplus.length, 'count');
    return old.length + surplus.length;
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
