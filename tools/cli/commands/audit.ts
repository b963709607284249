import { REPO_ROOT } from '../repo-root';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID, type KeyObject } from 'node:crypto';
import type { Command } from 'commander';
import { Queue, type Job } from 'bullmq';
import { SingleBar } from 'cli-progress';
import { z } from 'zod';
import { internalKeysVariable, loadEnv } from '@warden/config';
import { AUDIT_EVENTS_QUARANTINE_QUEUE, AUDIT_EVENTS_QUEUE, type RecordedEvent } from '@warden/contracts-events';
import { bodyDigest, IdentitySigner } from '@warden/http';
import { createAuditEventsQueue, createRedis, queuePrefixFor } from '@warden/queue';
import { defaultVerifyThreads, fileSize, followRecordedEvents, loadPublicKey, parsePreviousPublicKeys, transparency, verifyExportFile, type ExportVerification } from '@warden/audit-client';
import { rotateAuditSigningKey } from './audit-rotate-key';
import { describeWitness, runWitness, WitnessRefusal } from './audit-witness';

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  REDIS_URL: z.string().regex(/^rediss?(\+cluster)?:\/\//, 'must be a redis://, rediss://, redis+cluster:// or rediss+cluster:// URL').optional(),
  /** The BullMQ prefix the audit service uses (its AUDIT_QUEUE_PREFIX). */
  AUDIT_QUEUE_PREFIX: z.string().optional(),
  AUDIT_SERVICE_URL: z.url().default('http://127.0.0.1:3003'),
  /** The CLI's key for the audit service (`cli>audit-service:...`): only `audit checkpoint` needs it. */
  INTERNAL_KEYS: internalKeysVariable([{ caller: 'cli', audience: 'audit-service' }]).optional(),
  AUDIT_PUBLIC_KEY: z.string().optional(),
  AUDIT_SIGNING_KEY: z.string().optional(),
  /** Retired checkpoint keys (`<base64 SPKI>@<retired at>`, comma-separated), trusted for what they signed. */
  AUDIT_PREVIOUS_PUBLIC_KEYS: z.string().optional(),
  /** `audit witness`: the gateway, an API token with audit:read and audit:witness, and the witness's own key and name. */
  WARDEN_URL: z.url().optional(),
  WARDEN_TOKEN: z.string().optional(),
  WITNESS_SIGNING_KEY: z.string().optional(),
  WITNESS_NAME: z.string().optional(),
});
export type AuditCliEnv = z.infer<typeof envSchema>;

export function loadAuditCliEnv(env: NodeJS.ProcessEnv = process.env): AuditCliEnv {
  return loadEnv(envSchema, env);
}

/** Thrown for an operator mistake: the CLI prints the message and exits with `exitCode`. */
class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/**
 * The key that verifies checkpoints: `--public-key` (a PEM file, PEM text or base64 SPKI), else
 * AUDIT_PUBLIC_KEY, else the public half of AUDIT_SIGNING_KEY. There is no fallback: an export
 * verified against a key anyone can read would prove nothing.
 */
export function resolvePublicKey(option: string | undefined, env: AuditCliEnv): { key: KeyObject; source: string } {
  const given = option ?? env.AUDIT_PUBLIC_KEY;
  if (given) {
    const text = !given.includes('-----BEGIN') && existsSync(given) ? readFileSync(given, 'utf8') : given;
    // A note verifier key (`GET /audit/keys` → verifierKey) names the same Ed25519 key.
    const key = /^[^\s+]+\+[0-9a-f]{8}\+/.test(text.trim()) ? transparency.parseVerifierKey(text.trim()).publicKey : loadPublicKey(text);
    return { key, source: option ? '--public-key' : 'AUDIT_PUBLIC_KEY' };
  }
  if (env.AUDIT_SIGNING_KEY) return { key: loadPublicKey(env.AUDIT_SIGNING_KEY), source: 'AUDIT_SIGNING_KEY' };
  throw new CliError('No public key: pass --public-key or set AUDIT_PUBLIC_KEY.', 1);
}

/**
 * Every checkpoint key the operator trusts: each `--public-key` (repeatable: the current key and
 * the keys it replaced), else AUDIT_PUBLIC_KEY, else the public half of AUDIT_SIGNING_KEY, and then
 * the retired keys of AUDIT_PREVIOUS_PUBLIC_KEYS. Checkpoints are verified under the one their key id names.
 */
export function resolvePublicKeys(options: readonly string[], env: AuditCliEnv): KeyObject[] {
  const keys = options.length > 0 ? options.map((option) => resolvePublicKey(option, env).key) : [resolvePublicKey(undefined, env).key];
  return [...keys, ...parsePreviousPublicKeys(env.AUDIT_PREVIOUS_PUBLIC_KEYS).map((previous) => previous.publicKey)];
}

/** Witness verifier keys (`<name>+<key id>+<base64(0x04 || key)>`, cosignature/v1), each `--witness-key`. */
export function resolveWitnessKeys(options: readonly string[]): transparency.VerifierKey[] {
  return options.map((option) => {
    const text = existsSync(option) ? readFileSync(option, 'utf8').trim() : option.trim();
    let key: transparency.VerifierKey;
    try {
      key = transparency.parseVerifierKey(text);
    } catch (error) {
      throw new CliError(`--witness-key ${JSON.stringify(option.slice(0, 40))} is not a witness verifier key: ${(error as Error).message}`);
    }
    if (key.type !== transparency.SIGNATURE_TYPE_COSIGNATURE_V1) throw new CliError(`--witness-key ${key.name}: a witness key is a cosignature/v1 key (type 0x04)`);
    return key;
  });
}

/** Shown on a terminal, and on large files even when stderr is not one (as periodic lines). */
const PROGRESS_MIN_BYTES = 64 * 1024 * 1024;

export async function verifyAuditExport(
  file: string,
  {
    publicKey,
    witnessKeys = [],
    progress = 'auto',
    stderr = process.stderr,
  }: { publicKey: KeyObject | readonly KeyObject[]; witnessKeys?: readonly transparency.VerifierKey[]; progress?: 'auto' | boolean; stderr?: NodeJS.WriteStream },
): Promise<ExportVerification & { recordsPerSecond: number; seconds: number }> {
  if (!existsSync(file)) throw new CliError(`No such file: ${file}`, 1);
  const total = fileSize(file);
  const show = progress === 'auto' ? Boolean(stderr.isTTY) || total >= PROGRESS_MIN_BYTES : progress;
  const bar = show
    ? new SingleBar({
        stream: stderr,
        format: 'verifying |{bar}| {percentage}% | {value}/{total} MiB | ETA {eta}s',
        noTTYOutput: !stderr.isTTY,
        notTTYSchedule: 2_000,
        hideCursor: true,
      })
    : undefined;
  const mib = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;
  bar?.start(mib(total), 0);
  const started = process.hrtime.bigint();
  try {
    // Worker threads pay off once there is more to parse than it takes to start them.
    const threads = total >= 8 * 1024 * 1024 ? defaultVerifyThreads() : 1;
    const result = await verifyExportFile(file, { publicKey, witnessKeys, threads, onProgress: (bytes) => bar?.update(mib(bytes)) });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    return { ...result, seconds, recordsPerSecond: seconds > 0 ? Math.round(result.checked / seconds) : result.checked };
  } finally {
    bar?.stop();
  }
}

/** What the tree and the witnesses add: the signed tree notes the records give, and the cosignatures verified or not. */
function describeTree(result: ExportVerification): string {
  const tree = result.tree.size === null ? 'no signed tree' : `tree root matches ${result.tree.checkpoints} signed tree note(s), up to size ${result.tree.size}`;
  const { verified, unverifiable, witnesses } = result.cosignatures;
  if (witnesses.length === 0) return `${tree}; no witness cosignature`;
  const unknown = witnesses.filter((witness) => witness.unverifiable > 0).map((witness) => `${witness.name}+${witness.noteKeyId}`);
  return `${tree}; ${verified} witness cosignature(s) verified${unverifiable > 0 ? `, ${unverifiable} present but unverifiable (no --witness-key for ${unknown.join(', ')})` : ''}`;
}

function describe(result: ExportVerification & { recordsPerSecond: number; seconds: number }): string {
  const head = result.head ? `head seq ${result.head.seq} (${result.head.hash})` : 'no records';
  const speed = `${result.checked} records checked in ${result.seconds.toFixed(2)}s (${result.recordsPerSecond}/s); ${describeTree(result)}`;
  if (result.exitCode === 1) return `INVALID: first bad record seq ${result.firstInvalidSeq}: ${result.reason}\n${speed}; ${head}`;
  const anchor = result.checkpoint ? `checkpoint at seq ${result.checkpoint.seq} signed ${result.checkpoint.time}` : 'no checkpoint';
  if (result.exitCode === 2) {
    const why = result.checkpoint
      ? `the newest ${result.unanchored} record(s) come after the newest ${anchor}: they are not anchored (sign a checkpoint and export again)`
      : 'no signed checkpoint anchors it: truncation or a rewritten chain could not be detected';
    return `valid but NOT ANCHORED: ${why}\n${speed}; ${head}`;
  }
  return `valid: ${speed}; ${head}; anchored by the ${anchor}`;
}

async function withQueue<T>(env: AuditCliEnv, run: (queue: Queue) => Promise<T>): Promise<T> {
  if (!env.REDIS_URL) throw new CliError('REDIS_URL is not set.');
  const connection = createRedis(env.REDIS_URL, 'worker');
  const queue = new Queue(AUDIT_EVENTS_QUEUE, { connection, prefix: queuePrefixFor(env.REDIS_URL, env.AUDIT_QUEUE_PREFIX) });
  try {
    return await run(queue);
  } finally {
    await queue.close();
    connection.disconnect();
  }
}

/** Both queues on one connection: audit-events (with its producers' job options) and its quarantine. */
async function withQueues<T>(env: AuditCliEnv, run: (queues: { events: Queue; quarantine: Queue }) => Promise<T>): Promise<T> {
  if (!env.REDIS_URL) throw new CliError('REDIS_URL is not set.');
  const connection = createRedis(env.REDIS_URL, 'worker');
  const prefix = queuePrefixFor(env.REDIS_URL, env.AUDIT_QUEUE_PREFIX);
  const events = createAuditEventsQueue(connection, prefix) as Queue;
  const quarantine = new Queue(AUDIT_EVENTS_QUARANTINE_QUEUE, { connection, prefix });
  try {
    return await run({ events, quarantine });
  } finally {
    await Promise.all([events.close(), quarantine.close()]);
    connection.disconnect();
  }
}

/** The event a job carries: signed jobs carry it as `event`; jobs from before events were signed are the event. */
function eventOf(data: unknown): Record<string, any> {
  const job = (data ?? {}) as Record<string, any>;
  return job.event && typeof job.event === 'object' ? job.event : job;
}
const textOf = (value: unknown) => (typeof value === 'string' ? value : undefined);

export interface FailedAuditJob {
  jobId: string;
  failedReason: string;
  attemptsMade: number;
  failedAt: string | null;
  accountId?: string;
  objectType?: string;
  auditType?: string;
}

/** The failed set of audit-events, newest first: what an operator inspects before a replay. Never the event's detail. */
export async function listFailedAuditJobs(env: AuditCliEnv, limit = 100): Promise<FailedAuditJob[]> {
  return withQueue(env, async (queue) => {
    const jobs = (await queue.getFailed(0, limit - 1)) as Job[];
    return jobs.map((job) => ({
      jobId: String(job.id),
      failedReason: job.failedReason,
      attemptsMade: job.attemptsMade,
      failedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
      accountId: textOf(eventOf(job.data).accountId),
      objectType: textOf(eventOf(job.data).objectType),
      auditType: textOf(eventOf(job.data).auditType),
    }));
  });
}

export interface QuarantinedAuditJob {
  jobId: string;
  /** `unauthenticated`, `unknown_producer`, `unknown_key`, `bad_mac` or `not_allowed`. */
  reason: string;
  producer?: string;
  keyId?: string;
  quarantinedAt?: string;
  /** What the job claims: nothing in it is authenticated. */
  accountId?: string;
  objectType?: string;
  auditType?: string;
}

/**
 * The jobs the audit worker refused because their producer did not authenticate them, newest
 * first. A forged or altered job stays refused however often it is replayed; a genuine one refused
 * for a missing key (a producer's new key not yet given to the audit service) is recorded once
 * replayed after the key is added. Never the event's detail.
 */
export async function listQuarantinedAuditJobs(env: AuditCliEnv, limit = 100): Promise<QuarantinedAuditJob[]> {
  return withQueues(env, async ({ quarantine }) => {
    const jobs = (await quarantine.getJobs(['waiting', 'prioritized', 'delayed'], 0, limit - 1)) as Job[];
    return jobs
      .map((job) => ({
        jobId: String(job.id),
        reason: String(job.data?.reason),
        producer: textOf(job.data?.producer),
        keyId: textOf(job.data?.keyId),
        quarantinedAt: textOf(job.data?.quarantinedAt),
        accountId: textOf(eventOf(job.data?.data).accountId),
        objectType: textOf(eventOf(job.data?.data).objectType),
        auditType: textOf(eventOf(job.data?.data).auditType),
      }))
      .sort((a, b) => (b.quarantinedAt ?? '').localeCompare(a.quarantinedAt ?? ''));
  });
}

/**
 * Puts quarantined jobs back on audit-events as they were (same id, name and data): one by id, or
 * all. The worker authenticates them again: a job still not authenticated comes back to the
 * quarantine. Returns how many.
 */
export async function replayQuarantinedJobs(env: AuditCliEnv, target: { jobId: string } | { all: true }): Promise<number> {
  return withQueues(env, async ({ events, quarantine }) => {
    const replay = async (job: Job) => {
      const id = String(job.id);
      // The refused job completed on audit-events and is kept there a while: its id must be free again.
      const earlier = await events.getJob(id);
      if (earlier) {
        const state = await earlier.getState();
        if (state === 'active') throw new CliError(`Job ${id} is being processed on ${AUDIT_EVENTS_QUEUE}: try again in a moment.`);
        await earlier.remove();
      }
      await events.add(String(job.data?.name ?? 'replay'), job.data?.data, { jobId: id });
      await job.remove();
    };
    if ('all' in target) {
      let replayed = 0;
      for (;;) {
        const jobs = (await quarantine.getJobs(['waiting', 'prioritized', 'delayed'], 0, 499)) as Job[];
        if (jobs.length === 0) return replayed;
        for (const job of jobs) await replay(job);
        replayed += jobs.length;
      }
    }
    const job = await quarantine.getJob(target.jobId);
    if (!job) throw new CliError(`No job ${target.jobId} on ${AUDIT_EVENTS_QUARANTINE_QUEUE}.`);
    await replay(job);
    return 1;
  });
}

/** Moves failed jobs back to waiting: one by id, or every failed job. Returns how many. */
export async function replayAuditJobs(env: AuditCliEnv, target: { jobId: string } | { all: true }): Promise<number> {
  return withQueue(env, async (queue) => {
    if ('all' in target) {
      let replayed = 0;
      for (;;) {
        const jobs = (await queue.getFailed(0, 499)) as Job[];
        if (jobs.length === 0) return replayed;
        for (const job of jobs) await job.retry('failed');
        replayed += jobs.length;
      }
    }
    const job = await queue.getJob(target.jobId);
    if (!job) throw new CliError(`No job ${target.jobId} on ${AUDIT_EVENTS_QUEUE}.`);
    const state = await job.getState();
    if (state !== 'failed') throw new CliError(`Job ${target.jobId} is ${state}, not failed: nothing to replay.`);
    await job.retry('failed');
    return 1;
  });
}

export function formatRecorded({ event, record }: RecordedEvent): string {
  return `${record.timestamp}  ${event.accountId}  #${record.seq}  ${event.auditType} ${event.objectType} ${event.objectId}  by ${event.username}  ${record.hash.slice(0, 12)}`;
}

/** Follows audit-recorded without taking jobs from its consumers (the queue's event stream). */
export async function tailAudit(env: AuditCliEnv, onEvent: (event: RecordedEvent) => void, accountId?: string): Promise<() => Promise<void>> {
  if (!env.REDIS_URL) throw new CliError('REDIS_URL is not set.');
  const connection = createRedis(env.REDIS_URL, 'worker');
  const stop = await followRecordedEvents((event) => {
    if (!accountId || event.event.accountId === accountId) onEvent(event);
  }, { connection, prefix: queuePrefixFor(env.REDIS_URL, env.AUDIT_QUEUE_PREFIX) });
  return async () => {
    await stop();
    connection.disconnect();
  };
}

/** Asks the audit service to sign heads now (one account, or every account whose head moved). */
export async function requestCheckpoints(env: AuditCliEnv, accountId?: string): Promise<{ checkpoints: { accountId: string; seq: number; hash: string; time: string }[] }> {
  if (!env.INTERNAL_KEYS) throw new CliError('INTERNAL_KEYS is not set: the CLI needs its key for the audit service (cli>audit-service:...).');
  const path = '/internal/v1/audit/checkpoints';
  const body = JSON.stringify(accountId ? { accountId } : {});
  const headers = new IdentitySigner('cli', env.INTERNAL_KEYS).sign(
    'audit-service',
    { kind: 'service', accountId: accountId ?? 'system', name: 'warden-cli', scopes: [], clientIp: null, requestId: randomUUID() },
    { method: 'POST', url: path, digest: bodyDigest(body) },
  );
  const response = await fetch(new URL(path, env.AUDIT_SERVICE_URL), {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body,
  }).catch((error: Error) => {
    throw new CliError(`The audit service at ${env.AUDIT_SERVICE_URL} did not answer: ${error.message}`);
  });
  const answer = (await response.json().catch(() => ({}))) as { data?: { checkpoints: any[] }; detail?: string };
  if (!response.ok || !answer.data) throw new CliError(`The audit service refused: ${response.status} ${answer.detail ?? ''}`.trim());
  return answer.data;
}

function print(json: boolean, value: unknown, text: string): void {
  process.stdout.write(`${json ? JSON.stringify(value) : text}\n`);
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('Verify exports, inspect and replay failed audit events, follow the trail, sign checkpoints.');

  audit
    .command('verify')
    .description('Verify an export (GET /api/v1/audit/export) offline. Exit 0 valid and anchored, 1 invalid, 2 valid but not anchored by a checkpoint.')
    .requiredOption('-f, --file <path>', 'the NDJSON export')
    .option('-k, --public-key <key>', 'an audit public key: a PEM file, PEM text, base64 SPKI or note verifier key; repeat it for the keys a rotation retired (default AUDIT_PUBLIC_KEY and AUDIT_PREVIOUS_PUBLIC_KEYS)', collect, [])
    .option('-w, --witness-key <vkey>', "a witness's verifier key (cosignature/v1): its cosignatures in the file must verify; repeatable", collect, [])
    .option('--json', 'print the result as JSON')
    .option('--no-progress', 'never show the progress bar')
    .action(async (options: { file: string; publicKey: string[]; witnessKey: string[]; json?: boolean; progress: boolean }) => {
      const env = loadAuditCliEnv();
      const keys = resolvePublicKeys(options.publicKey, env);
      const witnessKeys = resolveWitnessKeys(options.witnessKey);
      const result = await verifyAuditExport(options.file, { publicKey: keys, witnessKeys, progress: options.progress ? 'auto' : false });
      print(Boolean(options.json), result, describe(result));
      process.exitCode = result.exitCode;
    });

  audit
    .command('failed')
    .description('List the failed audit-events jobs (newest first), kept for inspection and replay.')
    .option('-n, --limit <n>', 'how many', (value) => Number.parseInt(value, 10), 100)
    .option('--json', 'print JSON')
    .action(async (options: { limit: number; json?: boolean }) => {
      const jobs = await listFailedAuditJobs(loadAuditCliEnv(), options.limit);
      const text = jobs.length === 0 ? 'No failed audit events.' : jobs.map((j) => `${j.jobId}  ${j.failedAt ?? '-'}  attempts=${j.attemptsMade}  ${j.accountId ?? '-'} ${j.auditType ?? ''} ${j.objectType ?? ''}\n    ${j.failedReason}`).join('\n');
      print(Boolean(options.json), jobs, text);
    });

  audit
    .command('quarantined')
    .description('List the audit-events jobs refused because their producer did not authenticate them (newest first); none was recorded.')
    .option('-n, --limit <n>', 'how many', (value) => Number.parseInt(value, 10), 100)
    .option('--json', 'print JSON')
    .action(async (options: { limit: number; json?: boolean }) => {
      const jobs = await listQuarantinedAuditJobs(loadAuditCliEnv(), options.limit);
      const text =
        jobs.length === 0
          ? 'No quarantined audit events.'
          : jobs.map((j) => `${j.jobId}  ${j.quarantinedAt ?? '-'}  ${j.reason}  producer=${j.producer ?? '-'} key=${j.keyId ?? '-'}  claims ${j.accountId ?? '-'} ${j.auditType ?? ''} ${j.objectType ?? ''}`).join('\n');
      print(Boolean(options.json), jobs, text);
    });

  audit
    .command('replay')
    .description('Retry a failed audit-events job by id, or every failed job with --all; with --quarantined, put quarantined jobs back instead.')
    .argument('[jobId]', 'the failed (or quarantined) job to retry')
    .option('--all', 'retry every failed (or quarantined) job')
    .option('--quarantined', 'replay from the quarantine: the worker authenticates the jobs again')
    .action(async (jobId: string | undefined, options: { all?: boolean; quarantined?: boolean }) => {
      if (!jobId && !options.all) throw new CliError('Give a job id or --all.');
      const target = options.all ? ({ all: true } as const) : { jobId: jobId as string };
      const count = options.quarantined ? await replayQuarantinedJobs(loadAuditCliEnv(), target) : await replayAuditJobs(loadAuditCliEnv(), target);
      process.stdout.write(`Replayed ${count} job(s).\n`);
    });

  audit
    .command('tail')
    .description('Follow audit records as they are written (does not take jobs from audit-recorded consumers).')
    .option('-a, --account <id>', 'only this account')
    .option('--json', 'one JSON object per line')
    .action(async (options: { account?: string; json?: boolean }) => {
      const stop = await tailAudit(loadAuditCliEnv(), (event) => print(Boolean(options.json), event, formatRecorded(event)), options.account);
      process.stderr.write('following audit-recorded; Ctrl-C to stop\n');
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await stop();
    });

  audit
    .command('checkpoint')
    .description('Ask the audit service (AUDIT_SERVICE_URL) to sign chain heads now.')
    .option('-a, --account <id>', 'only this account (default: every account whose head moved)')
    .option('--json', 'print JSON')
    .action(async (options: { account?: string; json?: boolean }) => {
      const result = await requestCheckpoints(loadAuditCliEnv(), options.account);
      const text = result.checkpoints.length === 0 ? 'No head moved since its last checkpoint.' : result.checkpoints.map((c) => `${c.accountId}  seq ${c.seq}  ${c.hash}  ${c.time}`).join('\n');
      print(Boolean(options.json), result, text);
    });

  audit
    .command('rotate-key')
    .description(
      'Rotate the audit signing key in the keys file (.data/keys.json): a new key signs from the next start; the current one is retired into AUDIT_PREVIOUS_PUBLIC_KEYS (what it signed still verifies) and the record seal key is kept (AUDIT_SEAL_KEY). Restart the platform afterwards.',
    )
    .option('--keys <file>', 'the keys file (default .data/keys.json)')
    .option('--json', 'print JSON')
    .action((options: { keys?: string; json?: boolean }) => {
      let rotated: ReturnType<typeof rotateAuditSigningKey>;
      try {
        rotated = rotateAuditSigningKey(options.keys ?? join(REPO_ROOT, '.data', 'keys.json'));
      } catch (error) {
        throw new CliError((error as Error).message);
      }
      print(
        Boolean(options.json),
        rotated,
        `Rotated: key ${rotated.retired.keyId} retired at ${rotated.retired.retiredAt}; key ${rotated.current.keyId} signs from the next start.\nRestart the audit service (npm start) and give verifiers the new public key:\n${rotated.current.publicKey}`,
      );
    });

  audit
    .command('witness')
    .description(
      "Witness the account's audit log through the gateway: verify the latest checkpoint under the pinned log key, prove it extends the last one this witness cosigned, cosign it and post the cosignature. Exit 1 on a fork or rollback (nothing posted, state unchanged).",
    )
    .option('--url <url>', 'the gateway (default WARDEN_URL)')
    .option('--token <token>', 'an API token with audit:read and audit:witness (default WARDEN_TOKEN)')
    .option('-k, --public-key <key>', "the pinned log key: the note verifier key of GET /audit/keys, or a PEM file, PEM text or base64 SPKI (default AUDIT_PUBLIC_KEY)")
    .option('--witness-key <key>', "the witness's Ed25519 private key: a PEM file, PEM text or base64 PKCS#8 (default WITNESS_SIGNING_KEY)")
    .option('--name <name>', "the witness's key name (default WITNESS_NAME, else warden-witness)")
    .option('--state <file>', 'what this witness last cosigned (default .data/witness-<origin>.json)')
    .option('--json', 'print JSON')
    .action(async (options: { url?: string; token?: string; publicKey?: string; witnessKey?: string; name?: string; state?: string; json?: boolean }) => {
      const env = loadAuditCliEnv();
      const url = options.url ?? env.WARDEN_URL;
      const token = options.token ?? env.WARDEN_TOKEN;
      // The log key is never taken from the log itself: only the operator's pin proves whose checkpoint it is.
      const publicKey = options.publicKey ?? env.AUDIT_PUBLIC_KEY;
      const witnessKey = options.witnessKey ?? env.WITNESS_SIGNING_KEY;
      if (!url) throw new CliError('No gateway: pass --url or set WARDEN_URL.');
      if (!token) throw new CliError('No API token: pass --token or set WARDEN_TOKEN.');
      if (!publicKey) throw new CliError('No pinned log key: pass --public-key or set AUDIT_PUBLIC_KEY (the verifierKey of GET /api/v1/audit/keys, checked out of band).');
      if (!witnessKey) throw new CliError('No witness key: pass --witness-key or set WITNESS_SIGNING_KEY.');
      try {
        const result = await runWitness({ url, token, publicKey, witnessKey, name: options.name ?? env.WITNESS_NAME ?? 'warden-witness', state: options.state });
        print(Boolean(options.json), result, describeWitness(result));
      } catch (error) {
        if (!(error instanceof WitnessRefusal)) throw error;
        print(Boolean(options.json), { refused: true, reason: error.message }, `REFUSED: ${error.message}`);
        process.exitCode = error.exitCode;
      }
    });
}
