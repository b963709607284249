// A chaos run: the platform as separate processes, a recorded workload from several accounts
// while service processes are SIGKILLed and restarted, Redis restarts once and crashes once
// (losing the last second of its append-only file), then checks of the recorded history against
// what the platform stored. `npm run chaos` runs the full profile;
// tools/e2e/chaos.int-spec.ts the slim one inside `npm test`.
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mongoose from 'mongoose';
import { runAccountsCreate } from '../cli/commands/accounts';
import { RecordingClient } from './client';
import {
  checkAvailability,
  checkChains,
  checkRevocation,
  checkShutdown,
  matchAudit,
  type AccountAudit,
  type Violation,
} from './checks';
import { Instruments, readAccountAudit, type DrainReport } from './collect';
import { FaultInjector, REDIS_CRASH, type FaultOptions } from './faults';
import { explainLostEvent, type LostEventReport } from './forensics';
import { isChange, outcomeOf, type FaultWindow, type OperationKind, type ProcessKind } from './history';
import { ChaosPlatform, REPLICAS, pidAlive, portOpen, type ServiceKind } from './platform';
import { Random } from './random';
import { Workload, type WorkloadAccount } from './workload';

export interface ChaosProfile {
  name: string;
  accounts: number;
  loopsPerAccount: number;
  durationMs: number;
  maxOperations: number;
  thinkMs: [number, number];
  backoffMs: [number, number];
  contentionRate: number;
  faults: FaultOptions;
  /** How long the audit pipeline may take to drain after the workload. */
  drainTimeoutMs: number;
  /** A 5xx this long after a fault's process was ready again still counts as inside the window. */
  graceMs: number;
  /** Service settings for the run (intervals shortened so a short run exercises them). */
  env: Partial<Record<ServiceKind, Record<string, string>>>;
}

const SERVICE_ENV: ChaosProfile['env'] = {
  // Every request of the run comes from 127.0.0.1 and the probes of dead secrets fail on purpose:
  // the default quotas would turn the run into a rate-limit test.
  // 11 processes share 2 cores here: the gateway waits up to 5 s (not 2 s) for a verification, so
  // that a starved token service is not mistaken for a failed one.
  gateway: { RATE_LIMIT_PER_TOKEN: '100000', RATE_LIMIT_PER_ACCOUNT: '1000000', RATE_LIMIT_PER_IP: '100000', RATE_LIMIT_VERIFY_PER_IP_PER_SECOND: '100000', TOKEN_VERIFY_TIMEOUT_MS: '5000' },
  // A crashed Redis loses the jobs of its last second: their events stay in their outboxes until
  // the audit service confirms them, and are published again after 5 s (not 30 s) unrecorded, so
  // that happens inside the run.
  'token-service': { LAST_USED_FLUSH_MS: '5000', OUTBOX_REPUBLISH_AFTER_MS: '5000' },
  'credential-service': { OUTBOX_REPUBLISH_AFTER_MS: '5000' },
  'audit-service': { AUDIT_CHECKPOINT_INTERVAL_MS: '5000' },
};

const FULL: ChaosProfile = {
  name: 'full',
  accounts: 6,
  loopsPerAccount: 2,
  durationMs: 90_000,
  maxOperations: 30_000,
  thinkMs: [5, 40],
  backoffMs: [200, 500],
  contentionRate: 0.05,
  faults: { firstAfterMs: 3_000, gapMs: [2_000, 5_000], pauseMs: [200, 1_500], redisAfterMs: 40_000, redisCrashAfterMs: 65_000, aofLossMs: 1_000 },
  // A SIGKILLed audit worker's jobs wait for their lock to expire (30 s) and the next stalled-job
  // check (every 30 s) before another worker takes them: up to a minute.
  drainTimeoutMs: 120_000,
  graceMs: 2_000,
  env: SERVICE_ENV,
};

export const PROFILES: Record<'full' | 'slim', ChaosProfile> = {
  full: FULL,
  // The full run, shorter, with fewer accounts: the Redis crash, one fault of each kind of service
  // all at once, then the Redis restart.
  slim: {
    ...FULL,
    name: 'slim',
    accounts: 3,
    durationMs: 15_000,
    maxOperations: 5_000,
    thinkMs: [10, 40],
    faults: {
      // The crash first, 3 s in, while every process is up and the workload writes at full speed.
      firstAfterMs: 3_000,
      gapMs: [300, 600],
      pauseMs: [200, 500],
      sequence: [REDIS_CRASH, ['audit-service', 'gateway', 'token-service', 'credential-service'], 'redis'],
      aofLossMs: 1_000,
    },
    drainTimeoutMs: 75_000,
  },
};

/** A MongoDB-compatible server for the run; `stop` ends it if the run started it. */
export interface MongoProvision {
  url: string;
  pids: number[];
  ports: number[];
  stop: () => Promise<void>;
}

export interface ChaosOptions {
  profile: ChaosProfile;
  seed?: number;
  /** Pin each account's writes to one replica of each service; `auto`: only on FerretDB. */
  pinWrites?: boolean | 'auto';
  /** Provides the database server once the run's Redis is up (its URL is given, for a launcher that wants one). */
  mongo: (redisUrl: string) => Promise<MongoProvision>;
  /** The repository root. */
  root: string;
  /** Logs, the Redis data and the history go here; removed after a passing run unless `keep`. */
  runDir?: string;
  keep?: boolean;
  log?: (line: string) => void;
}

export interface ChaosResult {
  runId: string;
  seed: number;
  profile: string;
  storage: string;
  pinWrites: boolean;
  startedAt: string;
  durationMs: number;
  runDir: string;
  operations: {
    total: number;
    changes: { ok: number; refused: number; failed: number };
    reads: number;
    probes: number;
    contentionPairs: number;
    byKind: Partial<Record<OperationKind, { ok: number; refused: number; failed: number }>>;
  };
  faults: {
    windows: FaultWindow[];
    /** SIGKILLs of service processes, in all and by kind (a Redis crash is counted apart). */
    killCount: number;
    kills: Partial<Record<ProcessKind, number>>;
    /** Redis restarts with SIGTERM. */
    redisRestarts: number;
    /** Redis crashes, and what their append-only files lost: acknowledged writes, audit jobs among them, token version signals. */
    redisCrashes: number;
    aofLost: { commands: number; auditJobs: number; versionSignals: number; revocations: number };
  };
  audit: {
    records: number;
    acknowledged: number;
    indeterminate: number;
    indeterminateRecorded: number;
    lost: number;
    duplicates: number;
    orphans: number;
    lostReports: LostEventReport[];
  };
  chains: { valid: number; total: number };
  revocation: { probes: number; refused: number; inconclusive: number; accepted: number };
  availability: { failed: number; explained: number; onPath: number };
  drain: Omit<DrainReport, 'failedJobs'> & { failedJobs: number };
  shutdown: { leaked: number; pids: number; ports: number };
  /** Milliseconds per phase: boot (platform and accounts), workload (with faults), drain, read back and check, shutdown. */
  phases: Record<string, number>;
  violations: Violation[];
  passed: boolean;
}

/** The storage engine's name and version: FerretDB says so in `buildInfo`. */
async function storageOf(url: string): Promise<{ label: string; ferret: boolean }> {
  const connection = await mongoose.createConnection(url, { serverSelectionTimeoutMS: 5_000 }).asPromise();
  try {
    const info = (await connection.db!.admin().command({ buildInfo: 1 })) as { version?: string; ferretdbVersion?: string };
    return info.ferretdbVersion ? { label: `FerretDB ${info.ferretdbVersion}`, ferret: true } : { label: `MongoDB ${info.version}`, ferret: false };
  } finally {
    await connection.close();
  }
}

async function dropDatabases(url: string, names: string[]): Promise<void> {
  const connection = await mongoose.createConnection(url, { serverSelectionTimeoutMS: 5_000 }).asPromise();
  try {
    for (const name of names) await connection.useDb(name).dropDatabase().catch(() => undefined);
  } finally {
    await connection.close();
  }
}

export async function runChaos(options: ChaosOptions): Promise<ChaosResult> {
  const log = options.log ?? ((line: string) => process.stderr.write(`[chaos] ${line}\n`));
  const profile = options.profile;
  const seed = options.seed ?? randomBytes(4).readUInt32LE(0);
  const random = new Random(seed);
  const runId = randomBytes(3).toString('hex');
  const runDir = options.runDir ?? join(options.root, 'tmp', 'chaos', runId);
  mkdirSync(join(runDir, 'logs'), { recursive: true });
  const startedAt = new Date();
  log(`run ${runId}: profile ${profile.name}, seed ${seed}, files in ${runDir}`);

  const violations: Violation[] = [];
  const add = (list: Violation[]) => violations.push(...list);
  let mongo: MongoProvision | undefined;
  let platform: ChaosPlatform | undefined;
  let client: RecordingClient | undefined;
  let instruments: Instruments | undefined;
  let faults: FaultInjector | undefined;
  let storage = { label: 'unknown', ferret: true };
  let pinWrites = false;
  let drain: DrainReport = { drained: false, waitedMs: 0, pendingOutbox: -1, pendingJobs: -1, failedJobs: [] };
  let audits: AccountAudit[] = [];
  const accounts: WorkloadAccount[] = [];
  let result: ChaosResult | undefined;
  const phases: Record<string, number> = {};
  let phaseStart = Date.now();
  const phase = (name: string) => {
    phases[name] = Date.now() - phaseStart;
    phaseStart = Date.now();
  };

  try {
    // Redis first (the platform owns it, to restart it), then the database server.
    platform = await ChaosPlatform.start({
      root: options.root,
      runDir,
      mongoUrl: async (redisUrl) => {
        mongo = await options.mongo(redisUrl);
        storage = await storageOf(mongo.url);
        return mongo.url;
      },
      databasePrefix: `chaos_${runId}`,
      logFile: join(runDir, 'logs', 'services.log.ndjson'),
      env: profile.env,
      log,
    });
    pinWrites = options.pinWrites === undefined || options.pinWrites === 'auto' ? storage.ferret : options.pinWrites;
    const gateways = platform.gateways.map((gateway) => gateway.name);
    client = new RecordingClient(new Map(platform.gateways.map((gateway) => [gateway.name, gateway.url])), `chaos-${runId}`);

    // Accounts and their first tokens through the operator CLI's code path, each recorded with
    // the two audit records it promises (the account and its token).
    for (let i = 1; i <= profile.accounts; i++) {
      const start = Date.now();
      const created = await runAccountsCreate(`chaos-${runId}-${i}`, {
        NODE_ENV: 'production',
        MONGODB_URL: platform.mongoUrl,
        MONGODB_DB: platform.databases.tokens,
        REDIS_URL: platform.redisUrl,
        TOKEN_HASH_KEY: platform.secrets.tokenHashKey,
      });
      const end = Date.now();
      const accountId = created.account.id;
      const setup = { accountId, kind: 'setup.account' as const, via: 'operator', method: 'CLI', path: 'accounts create', start, end, status: 201 };
      client.note({ ...setup, change: { objectType: 'Account', auditType: 'Created', objectId: accountId } });
      client.note({ ...setup, change: { objectType: 'ApiToken', auditType: 'Created', objectId: created.tokenId } });
      accounts.push({ accountId, admin: { tokenId: created.tokenId, secret: created.token }, home: gateways[(i - 1) % gateways.length], tokens: [], credentials: [], dead: [] });
    }

    const replica = (kind: string) => (kind === 'redis' || kind === REDIS_CRASH ? kind : `${kind}-${random.int(1, REPLICAS[kind as ServiceKind])}`);
    const sequence = profile.faults.sequence?.map((step) => (Array.isArray(step) ? step.map(replica) : replica(step)));
    faults = new FaultInjector(platform, random, { ...profile.faults, sequence }, log);
    const workload = new Workload(client, random, accounts, {
      durationMs: profile.durationMs,
      maxOperations: profile.maxOperations,
      loopsPerAccount: profile.loopsPerAccount,
      thinkMs: profile.thinkMs,
      backoffMs: profile.backoffMs,
      contentionRate: profile.contentionRate,
      pinWrites,
      gateways,
      runTag: runId,
    });
    phase('boot');
    log(`workload: ${profile.accounts} accounts x ${profile.loopsPerAccount} loops for ${profile.durationMs / 1000} s; writes ${pinWrites ? 'pinned per account' : 'through any gateway'}`);
    // Faults run while the workload does; the workload goes on until the last fault is over.
    let faultsOver = false;
    workload.faultsOver = () => faultsOver;
    const workloadEnds = Date.now() + profile.durationMs;
    const injecting = faults.run(() => workload.done || (profile.faults.sequence === undefined && Date.now() > workloadEnds)).finally(() => {
      faultsOver = true;
    });
    await workload.run();
    await injecting;
    log(`workload done: ${client.history.length} operations, ${faults.windows.length} faults; probing every dead secret once more`);
    await workload.probeAllDead();

    phase('workload');
    instruments = await Instruments.open({ mongoUrl: platform.mongoUrl, redisUrl: platform.redisUrl, databases: platform.databases });
    drain = await instruments.waitForDrain(profile.drainTimeoutMs, log);
    log(`pipeline ${drain.drained ? 'drained' : 'NOT drained'} after ${(drain.waitedMs / 1000).toFixed(1)} s`);
    phase('drain');
    audits = await Promise.all(accounts.map((account, i) => readAccountAudit(platform!.gateways[i % gateways.length].url, account.accountId, account.admin.secret)));

    const history = client.history;
    const match = matchAudit(history, audits);
    const lostReports: LostEventReport[] = [];
    for (const entry of match.lost) {
      const objectId = entry.change?.objectId;
      const document = objectId ? await instruments.document(entry.change!.objectType, objectId).catch(() => undefined) : undefined;
      lostReports.push(
        explainLostEvent(entry, {
          history,
          records: audits.find((audit) => audit.accountId === entry.accountId)?.records ?? [],
          document,
          failedJobs: drain.failedJobs,
          replicaOf: (e) => (e.via === 'operator' ? 'operator' : platform!.upstreamOf(e.via, e.change?.objectType === 'Credential' ? 'credentials' : 'tokens')),
        }),
      );
    }
    for (const report of lostReports) {
      add([{ check: 'every change has exactly one record', message: `lost event: ${report.evidence[0]} — ${report.verdict}` }]);
    }
    for (const duplicate of match.duplicates) {
      add([
        {
          check: 'every change has exactly one record',
          message: `duplicate: record seq ${duplicate.record.seq} (${duplicate.record.auditType} ${duplicate.record.objectType} ${duplicate.record.objectId}) of account ${duplicate.accountId} fits only changes that have their record (#${duplicate.candidates.join(', #')})`,
        },
      ]);
    }
    for (const orphan of match.orphans) {
      add([
        {
          check: 'no record without its change',
          message:
            `record seq ${orphan.record.seq} (${orphan.record.auditType} ${orphan.record.objectType} ${orphan.record.objectId} at ${orphan.record.timestamp}) of account ${orphan.accountId} ` +
            (orphan.refused.length > 0 ? `fits only refused requests (#${orphan.refused.join(', #')})` : 'fits no attempted change'),
        },
      ]);
    }
    if (!drain.drained) {
      add([{ check: 'audit pipeline drained', message: `after ${drain.waitedMs} ms: ${drain.pendingOutbox} outboxes and ${drain.pendingJobs} audit jobs still pending` }]);
    }
    for (const job of drain.failedJobs) {
      add([{ check: 'audit pipeline drained', message: `audit-events job ${job.id} (${job.auditType} ${job.objectId}) failed: ${job.failedReason}` }]);
    }
    const chains = checkChains(audits);
    add(chains.violations);
    const revocation = checkRevocation(history);
    add(revocation.violations);
    const availability = checkAvailability(history, faults.windows, (gateway, upstream) => platform!.pathOf(gateway, upstream), profile.graceMs);
    add(availability.violations);
    for (const failure of faults.failures) add([{ check: 'platform stayed up', message: failure }]);
    for (const exit of platform.unexpectedExits) {
      add([{ check: 'platform stayed up', message: `${exit.name} (pid ${exit.pid}) exited on its own with ${exit.signal ?? exit.code}: ${exit.stderr.trim().split('\n').slice(-3).join(' | ')}` }]);
    }

    const byKind: ChaosResult['operations']['byKind'] = {};
    for (const entry of history) {
      const counts = (byKind[entry.kind] ??= { ok: 0, refused: 0, failed: 0 });
      counts[outcomeOf(entry)] += 1;
    }
    const changes = history.filter(isChange);
    const kills: Partial<Record<ProcessKind, number>> = {};
    const serviceKills = faults.windows.filter((w) => w.action === 'SIGKILL' && w.kind !== 'redis');
    const redisCrashes = faults.windows.filter((w) => w.action === 'SIGKILL' && w.kind === 'redis');
    for (const window of serviceKills) kills[window.kind] = (kills[window.kind] ?? 0) + 1;
    result = {
      runId,
      seed,
      profile: profile.name,
      storage: storage.label,
      pinWrites,
      startedAt: startedAt.toISOString(),
      durationMs: 0,
      runDir,
      operations: {
        total: history.length,
        changes: {
          ok: changes.filter((e) => outcomeOf(e) === 'ok').length,
          refused: changes.filter((e) => outcomeOf(e) === 'refused').length,
          failed: changes.filter((e) => outcomeOf(e) === 'failed').length,
        },
        reads: history.filter((e) => e.kind === 'read').length,
        probes: history.filter((e) => e.kind === 'probe').length,
        contentionPairs: history.filter((e) => e.partner !== undefined).length / 2,
        byKind,
      },
      faults: {
        windows: faults.windows,
        killCount: serviceKills.length,
        kills,
        redisRestarts: faults.windows.filter((w) => w.kind === 'redis' && w.action === 'restart').length,
        redisCrashes: redisCrashes.length,
        aofLost: {
          commands: redisCrashes.reduce((sum, w) => sum + (w.aofLost?.commands ?? 0), 0),
          auditJobs: redisCrashes.reduce((sum, w) => sum + (w.aofLost?.auditJobs ?? 0), 0),
          versionSignals: redisCrashes.reduce((sum, w) => sum + (w.aofLost?.versionSignals ?? 0), 0),
          revocations: redisCrashes.reduce((sum, w) => sum + (w.aofLost?.revocations ?? 0), 0),
        },
      },
      audit: {
        records: match.records,
        acknowledged: match.acknowledged,
        indeterminate: match.indeterminate,
        indeterminateRecorded: match.indeterminateRecorded,
        lost: match.lost.length,
        duplicates: match.duplicates.length,
        orphans: match.orphans.length,
        lostReports,
      },
      chains: { valid: chains.valid, total: chains.total },
      revocation: { probes: revocation.probes, refused: revocation.refused, inconclusive: revocation.inconclusive, accepted: revocation.violations.length },
      availability: { failed: availability.failed, explained: availability.explained, onPath: availability.onPath },
      drain: { ...drain, failedJobs: drain.failedJobs.length },
      shutdown: { leaked: 0, pids: 0, ports: 0 },
      phases,
      violations,
      passed: false,
    };
    phase('check');
  } catch (error) {
    add([{ check: 'platform stayed up', message: `the run stopped early: ${(error as Error).stack ?? error}` }]);
  } finally {
    await instruments?.close().catch(() => undefined);
    await client?.close().catch(() => undefined);
    const stops = (await platform?.stop().catch(() => [])) ?? [];
    const databases = platform ? Object.values(platform.databases) : [];
    if (mongo && databases.length > 0 && violations.length === 0 && !options.keep) await dropDatabases(mongo.url, databases).catch(() => undefined);
    await mongo?.stop().catch(() => undefined);
    const pids = [...(platform?.allPids() ?? []), ...(mongo?.pids ?? [])];
    const ports = [...(platform?.ports ?? []), ...(mongo?.ports ?? [])];
    const alivePids = pids.filter(pidAlive);
    const openPorts: number[] = [];
    for (const port of ports) if (await portOpen(port)) openPorts.push(port);
    const shutdownViolations = checkShutdown({
      alivePids,
      openPorts,
      unclean: stops.filter((stop) => stop.forced || (stop.code !== 0 && stop.name !== 'redis')).map((stop) => ({ ...stop, signal: stop.signal })),
    });
    add(shutdownViolations);
    if (result) result.shutdown = { leaked: alivePids.length + openPorts.length, pids: pids.length, ports: ports.length };
    phase('shutdown');
  }

  result ??= emptyResult({ runId, seed, profile: profile.name, storage: storage.label, pinWrites, startedAt, runDir, violations });
  result.durationMs = Date.now() - startedAt.getTime();
  result.passed = violations.length === 0;
  writeFileSync(join(runDir, 'history.ndjson'), (client?.history ?? []).map((entry) => JSON.stringify(entry)).join('\n') + '\n');
  writeFileSync(join(runDir, 'result.json'), `${JSON.stringify(result, null, 2)}\n`);
  if (result.passed && !options.keep) rmSync(runDir, { recursive: true, force: true });
  return result;
}

function emptyResult(base: {
  runId: string;
  seed: number;
  profile: string;
  storage: string;
  pinWrites: boolean;
  startedAt: Date;
  runDir: string;
  violations: Violation[];
}): ChaosResult {
  return {
    ...base,
    startedAt: base.startedAt.toISOString(),
    durationMs: 0,
    operations: { total: 0, changes: { ok: 0, refused: 0, failed: 0 }, reads: 0, probes: 0, contentionPairs: 0, byKind: {} },
    faults: { windows: [], killCount: 0, kills: {}, redisRestarts: 0, redisCrashes: 0, aofLost: { commands: 0, auditJobs: 0, versionSignals: 0, revocations: 0 } },
    audit: { records: 0, acknowledged: 0, indeterminate: 0, indeterminateRecorded: 0, lost: 0, duplicates: 0, orphans: 0, lostReports: [] },
    chains: { valid: 0, total: 0 },
    revocation: { probes: 0, refused: 0, inconclusive: 0, accepted: 0 },
    availability: { failed: 0, explained: 0, onPath: 0 },
    drain: { drained: false, waitedMs: 0, pendingOutbox: -1, pendingJobs: -1, failedJobs: 0 },
    shutdown: { leaked: 0, pids: 0, ports: 0 },
    phases: {},
    passed: false,
  };
}
