// The platform of a chaos run: every service replica as its own process, started exactly as
// production starts it (`node dist/apps/<app>/main.js`, rebuilt first when stale, configured by env), on a Redis
// this module owns (so it can be restarted) and a MongoDB-compatible server it is given.
import { spawn, type ChildProcess } from 'node:child_process';
import { builtEntry } from '../build/built-entry';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, mkdirSync, readFileSync, statSync, truncateSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { request } from 'undici';
import { generateInternalKey } from '@warden/config';
import { AUDIT_EVENTS_QUEUE } from '@warden/contracts-events';
import type { ProcessKind } from './history';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export type ServiceKind = Exclude<ProcessKind, 'redis'>;
export type Upstream = 'tokens' | 'credentials' | 'audit';

/** The replicas the issue asks for: 2 gateways, 2 token services, 2 credential services, 3 audit workers. */
export const REPLICAS: Record<ServiceKind, number> = { gateway: 2, 'token-service': 2, 'credential-service': 2, 'audit-service': 3 };
const UPSTREAM_KIND: Record<Upstream, ServiceKind> = { tokens: 'token-service', credentials: 'credential-service', audit: 'audit-service' };

/** A TCP port free right now on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Whether something accepts connections on 127.0.0.1:port. */
export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.setTimeout(1_000, () => socket.destroy());
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('close', () => resolve(false));
  });
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** `PING` in Redis' inline protocol: true once it answers `+PONG` (not `-LOADING`). */
function redisPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let reply = '';
    socket.setTimeout(1_000, () => socket.destroy());
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString('latin1');
      if (reply.includes('\r\n')) {
        socket.destroy();
        resolve(reply.startsWith('+PONG'));
      }
    });
    socket.once('error', () => resolve(false));
    socket.once('close', () => resolve(false));
  });
}

// Should the runner itself die (an exception, Ctrl-C), nothing it started may outlive it.
const liveChildren = new Set<ChildProcess>();
process.on('exit', () => liveChildren.forEach((child) => child.kill('SIGKILL')));

interface Exited {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** An exit we did not cause: a finding in itself. */
export interface UnexpectedExit extends Exited {
  name: string;
  pid: number;
  at: number;
  stderr: string;
}

export interface StopReport {
  name: string;
  pid: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** It did not exit within the grace period after SIGTERM and was killed. */
  forced: boolean;
  ms: number;
}

/** One long-running child: spawned, watched, killed and restarted on the same port. */
abstract class ManagedProcess {
  child?: ChildProcess;
  readonly pids: number[] = [];
  private expectingExit = false;
  private stderr: string[] = [];

  constructor(
    readonly name: string,
    readonly kind: ProcessKind,
    readonly port: number,
    private readonly onUnexpectedExit: (exit: UnexpectedExit) => void,
  ) {}

  get pid(): number | undefined {
    return this.running ? this.child?.pid : undefined;
  }

  get running(): boolean {
    return Boolean(this.child && this.child.exitCode === null && this.child.signalCode === null);
  }

  stderrTail(): string {
    return this.stderr.join('');
  }

  protected abstract spawnChild(): ChildProcess;
  protected abstract isReady(): Promise<boolean>;

  /**
   * Spawns the process and resolves with the time it answered ready. The bound is generous: on a
   * shared 2-core machine nine processes starting at once take seconds each.
   */
  async start(timeoutMs = 90_000): Promise<number> {
    if (this.running) throw new Error(`${this.name} is already running`);
    this.expectingExit = false;
    this.stderr = [];
    const child = this.spawnChild();
    this.child = child;
    if (child.pid) this.pids.push(child.pid);
    liveChildren.add(child);
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr.push(chunk.toString());
      if (this.stderr.length > 50) this.stderr.shift();
    });
    child.once('exit', (code, signal) => {
      liveChildren.delete(child);
      if (!this.expectingExit) this.onUnexpectedExit({ name: this.name, pid: child.pid ?? 0, code, signal, at: Date.now(), stderr: this.stderrTail() });
    });
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`${this.name} exited before it was ready:\n${this.stderrTail()}`);
      if (await this.isReady()) return Date.now();
      await sleep(50);
    }
    throw new Error(`${this.name} was not ready within ${timeoutMs} ms:\n${this.stderrTail()}`);
  }

  /** Sends `signal` and resolves once the process is gone, with when the signal went out. */
  async signal(signal: NodeJS.Signals): Promise<{ at: number; exited: Exited }> {
    const child = this.child;
    if (!child || !this.running) throw new Error(`${this.name} is not running`);
    this.expectingExit = true;
    const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    const at = Date.now();
    child.kill(signal);
    const [code, exitSignal] = await exited;
    return { at, exited: { code, signal: exitSignal } };
  }

  /** SIGTERM, then SIGKILL after `graceMs`: what an orchestrator does on scale-down. */
  async stop(graceMs: number): Promise<StopReport | undefined> {
    const child = this.child;
    if (!child?.pid || !this.running) return undefined;
    this.expectingExit = true;
    const started = Date.now();
    const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    child.kill('SIGTERM');
    let forced = false;
    const timer = setTimeout(() => {
      forced = true;
      child.kill('SIGKILL');
    }, graceMs);
    const [code, signal] = await exited;
    clearTimeout(timer);
    return { name: this.name, pid: child.pid, code, signal, forced, ms: Date.now() - started };
  }
}

export class ServiceProcess extends ManagedProcess {
  readonly url: string;

  constructor(
    name: string,
    kind: ServiceKind,
    port: number,
    private readonly root: string,
    private readonly env: Record<string, string>,
    onUnexpectedExit: (exit: UnexpectedExit) => void,
  ) {
    super(name, kind, port, onUnexpectedExit);
    this.url = `http://127.0.0.1:${port}`;
  }

  protected spawnChild(): ChildProcess {
    return spawn(process.execPath, ['--enable-source-maps', builtEntry(this.kind)], {
      cwd: this.root,
      // ADMIN_PORT comes with `env`, reserved like PORT: an ephemeral one could be another service's port before it binds it.
      env: { ...this.env, PORT: String(this.port) },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
  }

  protected async isReady(): Promise<boolean> {
    // undici's own request, not the global fetch: under Jest a global AbortSignal is foreign to fetch.
    try {
      const response = await request(`${this.url}/readyz`, { headersTimeout: 1_000, bodyTimeout: 1_000 });
      await response.body.dump();
      return response.statusCode === 200;
    } catch {
      return false;
    }
  }
}

/** What a crash of Redis took from its append-only file. */
export interface AofCut {
  /** Bytes of the newest AOF file cut off: what was written in the last `lossMs` before the kill. */
  bytes: number;
  /** Commands in those bytes (a script's effects count one per write, MULTI and EXEC included). */
  commands: number;
  /** Of those, audit jobs added to `audit-events` (their `added` event). */
  auditJobs: number;
  /** Token version signals (`warden:tokver:{<account>}:<id>` set), and how many of them were revocations. */
  versionSignals: number;
  revocations: number;
}

/** The commands in a piece of AOF (RESP arrays of bulk strings), each as its arguments; a cut-off last one is left out. */
export function parseAof(aof: Buffer): string[][] {
  const commands: string[][] = [];
  let at = 0;
  const line = (): string | undefined => {
    const end = aof.indexOf('\r\n', at, 'latin1');
    if (end === -1) return undefined;
    const text = aof.toString('latin1', at, end);
    at = end + 2;
    return text;
  };
  while (at < aof.length) {
    const header = line();
    if (header === undefined || !header.startsWith('*')) return commands;
    const args: string[] = [];
    for (let arg = Number(header.slice(1)); arg > 0; arg--) {
      const bulk = line();
      if (bulk === undefined || !bulk.startsWith('$')) return commands;
      const length = Number(bulk.slice(1));
      if (at + length + 2 > aof.length) return commands;
      args.push(aof.toString('latin1', at, at + length));
      at += length + 2;
    }
    commands.push(args);
  }
  return commands;
}

/** What the cut-off commands were, as far as the checks care. */
export function describeAofCut(tail: Buffer): AofCut {
  const commands = parseAof(tail);
  // `tokenVersionKey` and `REVOKED` of the revocation protocol (libs/shared/api-token, libs/tokens/feature):
  // SET by a script, MSET by a revoke. The previous release's key names, written beside them on a
  // single Redis during a rolling upgrade (`legacyTokenVersionKey`), would count each signal twice.
  const signals = commands.flatMap(([name, ...args]) => {
    const command = name?.toUpperCase();
    const pairs: string[][] = [];
    if (command === 'SET') pairs.push(args.slice(0, 2));
    if (command === 'MSET') for (let i = 0; i + 1 < args.length; i += 2) pairs.push(args.slice(i, i + 2));
    return pairs.filter(([key]) => key?.startsWith('warden:tokver:{'));
  });
  return {
    bytes: tail.length,
    commands: commands.length,
    auditJobs: commands.filter(([name, key, ...rest]) => name?.toUpperCase() === 'XADD' && key?.endsWith(`:${AUDIT_EVENTS_QUEUE}:events`) && rest.includes('added')).length,
    versionSignals: signals.length,
    revocations: signals.filter(([, value]) => value === 'revoked').length,
  };
}

/**
 * Redis with an append-only file (`appendfsync everysec`), so a restart keeps the queues and keys.
 * SIGTERM makes it write and fsync everything before it exits, as an orchestrator's restart does.
 * `crash` is the other way a Redis goes: everysec promises only what was fsynced, up to a second
 * before the end. A SIGKILL alone loses nothing here (the kernel still holds what Redis wrote), so
 * `crash` kills it and cuts its newest AOF file back to the length it had `lossMs` before, as a
 * host that died would leave it: the restarted Redis lacks the last second of acknowledged writes.
 */
export class RedisProcess extends ManagedProcess {
  /** The newest AOF file's length, sampled every 50 ms while Redis runs (the last few seconds). */
  private aofSizes: { at: number; file: string; size: number }[] = [];
  private sampler?: NodeJS.Timeout;

  constructor(
    port: number,
    private readonly dir: string,
    onUnexpectedExit: (exit: UnexpectedExit) => void,
  ) {
    super('redis', 'redis', port, onUnexpectedExit);
    mkdirSync(dir, { recursive: true });
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  protected spawnChild(): ChildProcess {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--daemonize', 'no', '--dir', this.dir];
    // No automatic AOF rewrite: the newest AOF file stays the one `crash` cuts (a run writes far
    // less than the 64 MB a rewrite would wait for anyway).
    const aof = ['--appendonly', 'yes', '--appendfsync', 'everysec', '--auto-aof-rewrite-percentage', '0', '--save', ''];
    return spawn('redis-server', [...args, ...aof], { stdio: ['ignore', 'ignore', 'pipe'] });
  }

  protected isReady(): Promise<boolean> {
    return redisPing(this.port);
  }

  override async start(timeoutMs?: number): Promise<number> {
    const ready = await super.start(timeoutMs);
    this.aofSizes = [];
    this.sampleAof();
    clearInterval(this.sampler);
    this.sampler = setInterval(() => this.sampleAof(), 50).unref();
    return ready;
  }

  override async signal(signal: NodeJS.Signals): Promise<{ at: number; exited: Exited }> {
    clearInterval(this.sampler);
    return super.signal(signal);
  }

  override async stop(graceMs: number): Promise<StopReport | undefined> {
    clearInterval(this.sampler);
    return super.stop(graceMs);
  }

  /** SIGKILL, then the newest AOF file cut back to its length `lossMs` before the signal. */
  async crash(lossMs: number): Promise<{ at: number; exited: Exited; cut: AofCut }> {
    this.sampleAof();
    const killed = await this.signal('SIGKILL');
    const file = this.newestAof();
    // Its length `lossMs` before the kill, or when this process started if that was later.
    const samples = this.aofSizes.filter((sample) => sample.file === file);
    const before = samples.filter((sample) => sample.at <= killed.at - lossMs).at(-1) ?? samples[0];
    if (!file || !before) return { ...killed, cut: describeAofCut(Buffer.alloc(0)) };
    const tail = readFileSync(file).subarray(before.size);
    truncateSync(file, before.size);
    return { ...killed, cut: describeAofCut(tail) };
  }

  /** The incremental AOF file Redis appends to, from its manifest (Redis 7's multi-part AOF). */
  private newestAof(): string | undefined {
    const manifest = join(this.dir, 'appendonlydir', 'appendonly.aof.manifest');
    if (!existsSync(manifest)) return undefined;
    const newest = [...readFileSync(manifest, 'utf8').matchAll(/^file (\S+) seq \d+ type i$/gm)].at(-1)?.[1];
    return newest === undefined ? undefined : join(this.dir, 'appendonlydir', newest);
  }

  private sampleAof(): void {
    try {
      const file = this.newestAof();
      if (!file) return;
      const at = Date.now();
      this.aofSizes.push({ at, file, size: statSync(file).size });
      while (this.aofSizes.length > 0 && this.aofSizes[0].at < at - 5_000) this.aofSizes.shift();
    } catch {
      // Between a rewrite's files, or Redis gone: the next sample will do.
    }
  }
}

export interface PlatformOptions {
  /** The repository root (apps/ is under it). */
  root: string;
  /** Redis data and service logs go here. */
  runDir: string;
  /** The MongoDB-compatible server, provided once Redis is up. */
  mongoUrl: (redisUrl: string) => Promise<string>;
  /** Each service's database is `<prefix>_<service>`. */
  databasePrefix: string;
  /** Every service appends its log lines here (pino, warn and above). */
  logFile: string;
  /** Extra env per kind over the defaults below (intervals, limits). */
  env?: Partial<Record<ServiceKind, Record<string, string>>>;
  log: (line: string) => void;
}

/** Secrets made for this run only, so the services run with NODE_ENV=production as they would deployed. */
export interface RunSecrets {
  /** `INTERNAL_KEYS` of every pair; each process takes the ones it signs or accepts with. */
  internalKeys: string;
  tokenHashKey: string;
  credentialKeys: string;
  tokenKeys: string;
  auditSigningKey: string;
}

export function makeRunSecrets(): RunSecrets {
  const auditKey = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'der' });
  return {
    internalKeys: [
      ['gateway', 'token-service'],
      ['gateway', 'credential-service'],
      ['gateway', 'audit-service'],
      // The producers of change events: the audit worker records only what they sign.
      ['token-service', 'audit-service'],
      ['credential-service', 'audit-service'],
      // The token service has the credential service destroy a deleted account's data key.
      ['token-service', 'credential-service'],
    ]
      .map(([caller, audience]) => generateInternalKey(caller, audience, 'chaos-1', randomBytes))
      .join(','),
    tokenHashKey: randomBytes(32).toString('hex'),
    credentialKeys: `chaos1:${randomBytes(32).toString('base64')}`,
    tokenKeys: `chaos1:${randomBytes(32).toString('base64')}`,
    auditSigningKey: auditKey.toString('base64'),
  };
}

export class ChaosPlatform {
  readonly services = new Map<string, ServiceProcess>();
  readonly unexpectedExits: UnexpectedExit[] = [];
  readonly databases: { tokens: string; credentials: string; audit: string };
  /** Every port a process of the run listened on. */
  readonly ports: number[] = [];
  redis!: RedisProcess;
  private mongo = '';

  private constructor(
    private readonly options: PlatformOptions,
    readonly secrets: RunSecrets,
  ) {
    const prefix = options.databasePrefix;
    this.databases = { tokens: `${prefix}_tokens`, credentials: `${prefix}_credentials`, audit: `${prefix}_audit` };
  }

  /** Starts Redis, then the services, then the gateways; resolves once every one answers ready. */
  static async start(options: PlatformOptions): Promise<ChaosPlatform> {
    const platform = new ChaosPlatform(options, makeRunSecrets());
    try {
      await platform.boot();
      return platform;
    } catch (error) {
      await platform.stop();
      throw error;
    }
  }

  get redisUrl(): string {
    return this.redis.url;
  }

  get mongoUrl(): string {
    return this.mongo;
  }

  byKind(kind: ServiceKind): ServiceProcess[] {
    return [...this.services.values()].filter((service) => service.kind === kind);
  }

  get gateways(): ServiceProcess[] {
    return this.byKind('gateway');
  }

  /** Gateway `gateway-i` sends to replica i of each service (the audit API of `audit-service-i`). */
  upstreamOf(gateway: string, upstream: Upstream): string {
    return `${UPSTREAM_KIND[upstream]}-${gateway.split('-').at(-1)}`;
  }

  /** The processes a request through `gateway` to `upstream` depends on: a fault in any may fail it. */
  pathOf(gateway: string, upstream: Upstream): string[] {
    return [gateway, this.upstreamOf(gateway, 'tokens'), this.upstreamOf(gateway, upstream), 'redis'];
  }

  /** Every pid any process of the run ever had. */
  allPids(): number[] {
    return [...this.services.values(), this.redis].filter(Boolean).flatMap((process) => process.pids);
  }

  private note = (exit: UnexpectedExit) => {
    this.unexpectedExits.push(exit);
    this.options.log(`${exit.name} (pid ${exit.pid}) exited on its own (${exit.signal ?? exit.code})`);
  };

  private async boot(): Promise<void> {
    this.redis = new RedisProcess(await freePort(), join(this.options.runDir, 'redis'), this.note);
    this.ports.push(this.redis.port);
    await this.redis.start(10_000);
    this.mongo = await this.options.mongoUrl(this.redis.url);

    const common = {
      ...process.env,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      LOG_FILE: this.options.logFile,
      TSX_TSCONFIG_PATH: join(this.options.root, 'tsconfig.base.json'),
      REDIS_URL: this.redis.url,
      MONGODB_URL: this.mongo,
      INTERNAL_KEYS: this.secrets.internalKeys,
    };
    const env: Record<ServiceKind, Record<string, string>> = {
      'token-service': {
        ...common,
        MONGODB_DB: this.databases.tokens,
        TOKEN_HASH_KEY: this.secrets.tokenHashKey,
        TOKEN_ENCRYPTION_KEYS: this.secrets.tokenKeys,
        ...this.options.env?.['token-service'],
      },
      'credential-service': {
        ...common,
        MONGODB_DB: this.databases.credentials,
        CREDENTIAL_ENCRYPTION_KEYS: this.secrets.credentialKeys,
        ...this.options.env?.['credential-service'],
      },
      'audit-service': {
        ...common,
        MONGODB_DB: this.databases.audit,
        AUDIT_ROLE: 'all',
        AUDIT_SIGNING_KEY: this.secrets.auditSigningKey,
        ...this.options.env?.['audit-service'],
      },
      gateway: { ...common, REQUIRE_HTTPS: 'false', ...this.options.env?.gateway },
    };

    // Every port a service listens on is reserved here, none left to the OS: with all services
    // starting at once, an ephemeral listener could take a port handed to a service not yet bound.
    const reserve = async () => {
      let port = await freePort();
      while (this.ports.includes(port)) port = await freePort();
      this.ports.push(port);
      return port;
    };
    const add = async (kind: ServiceKind, index: number, extra: Record<string, string> = {}) => {
      const port = await reserve();
      const adminPort = await reserve();
      const name = `${kind}-${index}`;
      const service = new ServiceProcess(name, kind, port, this.options.root, { ...env[kind], ...extra, ADMIN_PORT: String(adminPort) }, this.note);
      this.services.set(name, service);
      return service;
    };
    const backends: ServiceProcess[] = [];
    // The audit replicas first: each producer asks the audit replica of its own number which of its
    // published events are recorded before it clears them from its outbox.
    for (const kind of ['audit-service', 'token-service', 'credential-service'] as const) {
      for (let i = 1; i <= REPLICAS[kind]; i++) {
        const audit: Record<string, string> = kind === 'audit-service' ? {} : { AUDIT_SERVICE_URL: (this.services.get(`audit-service-${i}`) as ServiceProcess).url };
        backends.push(await add(kind, i, audit));
      }
    }
    const gateways: ServiceProcess[] = [];
    for (let i = 1; i <= REPLICAS.gateway; i++) {
      const name = `gateway-${i}`;
      const origin = (upstream: Upstream) => this.services.get(this.upstreamOf(name, upstream))!.url;
      gateways.push(
        await add('gateway', i, { TOKEN_SERVICE_URL: origin('tokens'), CREDENTIAL_SERVICE_URL: origin('credentials'), AUDIT_SERVICE_URL: origin('audit') }),
      );
    }
    // All at once: a gateway answers ready as soon as its token service does.
    await Promise.all([...backends, ...gateways].map((service) => service.start()));
    this.options.log(
      `platform ready: ${[...this.services.values()].map((s) => `${s.name}:${s.port}`).join(' ')} redis:${this.redis.port} (pids ${this.allPids().join(' ')})`,
    );
  }

  /**
   * Gateways first (no new requests), then the services, then Redis: SIGTERM with a grace period
   * each, as an orchestrator stops a deployment. Resolves with how each process ended.
   */
  async stop(graceMs = 12_000): Promise<StopReport[]> {
    const reports: StopReport[] = [];
    const stopAll = async (processes: ManagedProcess[]) => {
      for (const report of await Promise.all(processes.map((p) => p.stop(graceMs)))) if (report) reports.push(report);
    };
    await stopAll(this.gateways);
    await stopAll([...this.services.values()].filter((service) => service.kind !== 'gateway'));
    if (this.redis) await stopAll([this.redis]);
    return reports;
  }
}
