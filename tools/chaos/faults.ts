// Faults while the workload runs: SIGKILL of a random service process (never the database server)
// followed by a restart on the same port after a short pause; one restart of Redis with SIGTERM
// (it writes and fsyncs its append-only file, then exits); and one crash of Redis: SIGKILL, its
// append-only file cut back to the length it had a second before (what `appendfsync everysec`
// guarantees after a host crash), and a restart from that file, so the last second of
// acknowledged writes (queued jobs, token version signals, rate-limit windows) is gone. Each
// fault's window runs from the signal to the moment the restarted process answers ready.
import type { FaultWindow } from './history';
import type { ChaosPlatform } from './platform';
import type { Random } from './random';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A fault: a service process by name (SIGKILL), `redis` (restart with SIGTERM), or `redis-crash`
 * (SIGKILL and a restart from an append-only file that lacks its last `aofLossMs`).
 */
export type FaultTarget = string;

export const REDIS_CRASH = 'redis-crash';

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
   * Redis restarted once at `redisAfterMs` and crashed once at `redisCrashAfterMs`.
   */
  sequence?: (FaultTarget | FaultTarget[])[];
  redisAfterMs?: number;
  redisCrashAfterMs?: number;
  /** How much of its append-only file a crashed Redis loses: `appendfsync everysec` fsyncs once a second. */
  aofLossMs: number;
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
    const due: { target: FaultTarget; afterMs: number }[] = [
      { target: 'redis', afterMs: this.options.redisAfterMs ?? Number.POSITIVE_INFINITY },
      { target: REDIS_CRASH, afterMs: this.options.redisCrashAfterMs ?? Number.POSITIVE_INFINITY },
    ];
    // A fixed sequence is injected in full, even if a slow restart outlasts the workload.
    while ((sequence ? sequence.length > 0 : !done()) && this.failures.length === 0) {
      let targets: FaultTarget | FaultTarget[] | undefined;
      const redisFault = due.findIndex((fault) => Date.now() - started >= fault.afterMs);
      if (sequence) targets = sequence.shift();
      else if (redisFault !== -1) targets = due.splice(redisFault, 1)[0].target;
      else targets = this.random.pick([...this.platform.services.keys()]);
      if (!targets) break;
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
    const crash = target === REDIS_CRASH;
    const name = crash ? 'redis' : target;
    const managed = name === 'redis' ? this.platform.redis : this.platform.services.get(name);
    if (!managed) throw new Error(`no process named ${target}`);
    const pidBefore = managed.pid;
    // Service processes are killed outright. Redis is restarted the way an orchestrator restarts
    // it (SIGTERM: it writes its append-only file and exits), or crashes (see `RedisProcess.crash`).
    const action: FaultWindow['action'] = name === 'redis' && !crash ? 'restart' : 'SIGKILL';
    let lost: FaultWindow['aofLost'];
    let at: number;
    if (crash) {
      const crashed = await this.platform.redis.crash(this.options.aofLossMs);
      at = crashed.at;
      lost = crashed.cut;
      this.log(
        `fault: SIGKILL redis (pid ${pidBefore}); its append-only file lost the last ${this.options.aofLossMs} ms: ${lost.commands} commands (${lost.bytes} bytes), ` +
          `${lost.auditJobs} audit jobs added, ${lost.versionSignals} token version signals (${lost.revocations} revocations); back in ${pauseMs} ms`,
      );
    } else {
      ({ at } = await managed.signal(action === 'restart' ? 'SIGTERM' : 'SIGKILL'));
      this.log(`fault: ${action} ${name} (pid ${pidBefore}); back in ${pauseMs} ms`);
    }
    await sleep(pauseMs);
    try {
      const readyAt = await managed.start();
      const window: FaultWindow = {
        id: this.windows.length + 1,
        target: name,
        kind: managed.kind,
        action,
        start: at,
        end: readyAt,
        pauseMs,
        pidBefore,
        pidAfter: managed.pid,
        ...(lost ? { aofLost: lost } : {}),
      };
      this.windows.push(window);
      this.log(`fault: ${name} ready again (pid ${managed.pid}) ${readyAt - at} ms after the signal`);
    } catch (error) {
      this.failures.push(`${name} did not come back: ${(error as Error).message}`);
      this.windows.push({ id: this.windows.length + 1, target: name, kind: managed.kind, action, start: at, end: Number.POSITIVE_INFINITY, pauseMs, pidBefore });
    }
  }
}
