// Faults while the workload runs: SIGKILL of a random service process (never the databases)
// followed by a restart on the same port after a short pause, and one restart of Redis. Each
// fault's window runs from the signal to the moment the restarted process answers ready.
import type { FaultWindow } from './history';
import type { ChaosPlatform } from './platform';
import type { Random } from './random';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A fault: a service process by name, or `redis`. */
export type FaultTarget = string;

export interface FaultOptions {
  /** Quiet time after the workload starts, before the first fault. */
  firstAfterMs: number;
  /** Time between the end of one fault (process ready again) and the next signal. */
  gapMs: [number, number];
  /** How long a killed process stays down before it is started again. */
  pauseMs: [number, number];
  /**
   * A fixed sequence of targets (e.g. one of each kind, then `redis`), a list being faults injected
   * at the same time; without it, targets are drawn at random among all service processes, with
   * Redis restarted once at `redisAfterMs`.
   */
  sequence?: (FaultTarget | FaultTarget[])[];
  redisAfterMs?: number;
}

export class FaultInjector {
  readonly windows: FaultWindow[] = [];
  /** A restart that did not come back ready: the platform is then not what the checks assume. */
  readonly failures: string[] = [];

  constructor(
    private readonly platform: ChaosPlatform,
    private readonly random: Random,
    private readonly options: FaultOptions,
    private readonly log: (line: string) => void,
  ) {}

  /** Injects faults one after another until `done()` says the workload is over (or the sequence ends). */
  async run(done: () => boolean): Promise<void> {
    const started = Date.now();
    await this.wait(this.options.firstAfterMs, done);
    const sequence = this.options.sequence ? [...this.options.sequence] : undefined;
    let redisRestarted = false;
    // A fixed sequence is injected in full, even if a slow restart outlasts the workload.
    while ((sequence ? sequence.length > 0 : !done()) && this.failures.length === 0) {
      let targets: FaultTarget | FaultTarget[] | undefined;
      if (sequence) targets = sequence.shift();
      else if (!redisRestarted && this.options.redisAfterMs !== undefined && Date.now() - started >= this.options.redisAfterMs) targets = 'redis';
      else targets = this.random.pick([...this.platform.services.keys()]);
      if (!targets) break;
      if (targets.includes('redis')) redisRestarted = true;
      await Promise.all((Array.isArray(targets) ? targets : [targets]).map((target) => this.inject(target)));
      await this.wait(this.random.int(...this.options.gapMs), done);
    }
  }

  private async wait(ms: number, done: () => boolean): Promise<void> {
    const until = Date.now() + ms;
    while (Date.now() < until && !done()) await sleep(Math.min(100, until - Date.now()));
  }

  async inject(target: FaultTarget): Promise<void> {
    const pauseMs = this.random.int(...this.options.pauseMs);
    const managed = target === 'redis' ? this.platform.redis : this.platform.services.get(target);
    if (!managed) throw new Error(`no process named ${target}`);
    const pidBefore = managed.pid;
    // Redis is restarted the way an orchestrator restarts it (SIGTERM: it writes its append-only
    // file and exits); service processes are killed outright.
    const action = target === 'redis' ? 'restart' : 'SIGKILL';
    const { at } = await managed.signal(target === 'redis' ? 'SIGTERM' : 'SIGKILL');
    this.log(`fault: ${action} ${target} (pid ${pidBefore}); back in ${pauseMs} ms`);
    await sleep(pauseMs);
    try {
      const readyAt = await managed.start();
      const window: FaultWindow = {
        id: this.windows.length + 1,
        target,
        kind: managed.kind,
        action,
        start: at,
        end: readyAt,
        pauseMs,
        pidBefore,
        pidAfter: managed.pid,
      };
      this.windows.push(window);
      this.log(`fault: ${target} ready again (pid ${managed.pid}) ${readyAt - at} ms after the signal`);
    } catch (error) {
      this.failures.push(`${target} did not come back: ${(error as Error).message}`);
      this.windows.push({ id: this.windows.length + 1, target, kind: managed.kind, action, start: at, end: Number.POSITIVE_INFINITY, pauseMs, pidBefore });
    }
  }
}
