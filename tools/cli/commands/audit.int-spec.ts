import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Queue, UnrecoverableError, Worker } from 'bullmq';
import { AUDIT_EVENTS_QUEUE, buildChangeEvent, type RecordedEvent } from '@warden/contracts-events';
import { createRedis } from '@warden/queue';
import { CheckpointSigner, consumeRecordedEvents, verifyExportFile, createRecordedQueue, loadSigningKey, publishRecorded } from '@warden/audit-client';
import { eventually, testInfra, TEST_KEYS, uniqueName } from '@warden/testing';
import { writeSyntheticExport } from '../../bench/audit-fixture';
import type { Redis } from 'ioredis';
import { listFailedAuditJobs, loadAuditCliEnv, replayAuditJobs, resolvePublicKey, tailAudit, verifyAuditExport, type AuditCliEnv } from './audit';

jest.setTimeout(120_000);

const run = promisify(execFile);
const root = join(__dirname, '..', '..', '..');
const signer = new CheckpointSigner(loadSigningKey(TEST_KEYS.AUDIT_SIGNING_KEY));
let dir: string;

/** `npm run warden -- ...` without npm: the exit code and both streams. */
async function warden(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(root, 'node_modules/tsx/dist/cli.mjs'), '--tsconfig', join(root, 'tsconfig.base.json'), join(root, 'tools/cli/warden.ts'), ...args], {
      cwd: root,
      env: { ...process.env, NODE_ENV: 'development', ...env },
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'warden-audit-cli-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('warden audit verify', () => {
  const large = () => join(dir, 'large.ndjson');

  it('verifies a 100,000-record export offline, with a progress bar on a large file, and exits 0', async () => {
    const bytes = writeSyntheticExport(large(), { records: 100_000, signer, checkpointEvery: 10_000 });
    expect(bytes).toBeGreaterThan(64 * 1024 * 1024);
    const cli = await warden(['audit', 'verify', '--file', large(), '--public-key', signer.publicKeyPem, '--json']);
    expect(cli.code).toBe(0);
    expect(JSON.parse(cli.stdout)).toMatchObject({ valid: true, exitCode: 0, checked: 100_000, head: { seq: 100_000 }, checkpoint: { seq: 100_000 }, unanchored: 0 });
    expect(cli.stderr).toContain('verifying');
  });

  it('exits 1 and names the first bad record', async () => {
    const file = join(dir, 'tampered.ndjson');
    writeSyntheticExport(file, {
      records: 1_000,
      signer,
      tamper: (record) => (record.seq === 417 ? { ...record, username: 'mallory' } : record.seq === 600 ? undefined : record),
    });
    const cli = await warden(['audit', 'verify', '--file', file, '--public-key', signer.publicKeyPem]);
    expect(cli.code).toBe(1);
    expect(cli.stdout).toContain("INVALID: first bad record seq 417: field 'username' does not match the hashed canonical text");
    // The worker-thread path and the one-thread path agree.
    for (const threads of [1, 3]) {
      expect(await verifyExportFile(file, { publicKey: signer.publicKey, threads })).toMatchObject({ exitCode: 1, firstInvalidSeq: 417, checked: 417, head: { seq: 1_000 } });
    }
  });

  it('exits 1 for a truncated export and for a checkpoint signed by another key', async () => {
    const truncated = join(dir, 'truncated.ndjson');
    writeSyntheticExport(truncated, { records: 500, signer, tamper: (record) => (record.seq > 480 ? undefined : record) });
    const result = await verifyAuditExport(truncated, { publicKey: signer.publicKey, progress: false });
    expect(result).toMatchObject({ exitCode: 1, firstInvalidSeq: 481, reason: expect.stringContaining('records were removed') });
    const otherKey = new CheckpointSigner(generateKeyPairSync('ed25519').privateKey);
    const foreign = join(dir, 'foreign.ndjson');
    writeSyntheticExport(foreign, { records: 10, signer: otherKey });
    expect(await verifyAuditExport(foreign, { publicKey: signer.publicKey, progress: false })).toMatchObject({ exitCode: 1, reason: expect.stringContaining('invalid signature') });
  });

  it('exits 2 when no checkpoint anchors the chain', async () => {
    const file = join(dir, 'unanchored.ndjson');
    writeSyntheticExport(file, { records: 50 });
    const cli = await warden(['audit', 'verify', '--file', file, '--public-key', signer.publicKeyPem]);
    expect(cli.code).toBe(2);
    expect(cli.stdout).toContain('valid but NOT ANCHORED');
  });

  it('refuses to verify without a public key: no key in the source stands in for the installation\'s', async () => {
    const file = join(dir, 'keyless.ndjson');
    writeSyntheticExport(file, { records: 5, signer });
    const cli = await warden(['audit', 'verify', '--file', file], { NODE_ENV: 'development', AUDIT_PUBLIC_KEY: '', AUDIT_SIGNING_KEY: '' });
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain('No public key: pass --public-key or set AUDIT_PUBLIC_KEY.');
  });

  it('takes the public key from a file, PEM text or base64, and refuses a missing file', async () => {
    const env = loadAuditCliEnv({ NODE_ENV: 'production' });
    expect(resolvePublicKey(signer.publicKeyPem, env).source).toBe('--public-key');
    const der = signer.publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
    expect(resolvePublicKey(der, env).key.equals(signer.publicKey)).toBe(true);
    expect(() => resolvePublicKey(undefined, env)).toThrow(/No public key/);
    const cli = await warden(['audit', 'verify', '--file', join(dir, 'nope.ndjson'), '--public-key', signer.publicKeyPem]);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain('No such file');
  });
});

describe('warden audit failed / replay / tail', () => {
  const prefix = uniqueName('q');
  let redisUrl: string;
  let env: AuditCliEnv;
  let connection: Redis;
  let queue: Queue;
  let recorded: Queue<RecordedEvent>;

  beforeAll(() => {
    redisUrl = testInfra().redisUrl;
    env = loadAuditCliEnv({ REDIS_URL: redisUrl, AUDIT_QUEUE_PREFIX: prefix });
    connection = createRedis(redisUrl, 'worker');
    queue = new Queue(AUDIT_EVENTS_QUEUE, { connection, prefix });
    recorded = createRecordedQueue(connection, prefix);
  });

  afterAll(async () => {
    await queue.obliterate({ force: true });
    await recorded.obliterate({ force: true });
    await Promise.all([queue.close(), recorded.close()]);
    connection.disconnect();
  });

  it('lists failed audit events and replays them by id or all at once', async () => {
    const events = [1, 2, 3].map(() =>
      buildChangeEvent({ accountId: 'acc-1', objectType: 'Endpoint', auditType: 'Created', objectId: 'e1', actor: { type: 'system', id: 'router', name: 'router' }, remoteIp: null, after: { url: 'x' } }),
    );
    for (const event of events) await queue.add('Created', event, { jobId: event.id });
    const poisonConnection = createRedis(redisUrl, 'worker');
    const poison = new Worker(AUDIT_EVENTS_QUEUE, async () => {
      throw new UnrecoverableError('invalid change event: objectType: Invalid string');
    }, { connection: poisonConnection, prefix });
    expect(await eventually(() => queue.getFailedCount(), (count) => count >= 3)).toBe(3);
    await poison.close();
    poisonConnection.disconnect();

    const failed = await listFailedAuditJobs(env);
    expect(failed.map((j) => j.jobId).sort()).toEqual(events.map((e) => e.id).sort());
    expect(failed[0]).toMatchObject({ failedReason: 'invalid change event: objectType: Invalid string', attemptsMade: 1, accountId: 'acc-1', objectType: 'Endpoint' });

    const cli = await warden(['audit', 'failed', '--json'], { REDIS_URL: redisUrl, AUDIT_QUEUE_PREFIX: prefix });
    expect(JSON.parse(cli.stdout)).toHaveLength(3);

    expect(await replayAuditJobs(env, { jobId: events[0].id })).toBe(1);
    expect(await (await queue.getJob(events[0].id))?.getState()).toBe('waiting');
    await expect(replayAuditJobs(env, { jobId: events[0].id })).rejects.toThrow(/is waiting, not failed/);
    const all = await warden(['audit', 'replay', '--all'], { REDIS_URL: redisUrl, AUDIT_QUEUE_PREFIX: prefix });
    expect(all.stdout).toBe('Replayed 2 job(s).\n');
    expect(await queue.getFailedCount()).toBe(0);
    expect(await queue.getWaitingCount()).toBe(3);
  });

  it('tails audit-recorded without taking jobs from its consumers', async () => {
    const seenByTail: RecordedEvent[] = [];
    const seenByConsumer: RecordedEvent[] = [];
    const stop = await tailAudit(env, (event) => seenByTail.push(event));
    const consumerConnection = createRedis(redisUrl, 'worker');
    const consumer = consumeRecordedEvents(async (event) => {
      seenByConsumer.push(event);
    }, { connection: consumerConnection, prefix });
    const event = buildChangeEvent({ accountId: 'acc-2', objectType: 'RoutingPolicy', auditType: 'Updated', objectId: 'p1', actor: { type: 'system', id: 'router', name: 'router' }, remoteIp: null, prior: { a: 1 }, after: { a: 2 } });
    const recordedEvents: RecordedEvent[] = [1, 2].map((seq) => ({ event, record: { id: `rec-${seq}-${prefix}`, seq, hash: 'a'.repeat(64), prevHash: '0'.repeat(64), timestamp: event.occurredAt } }));
    await publishRecorded(recorded, recordedEvents);
    await eventually(() => Math.min(seenByTail.length, seenByConsumer.length), (seen) => seen >= 2);
    expect(seenByTail.map((e) => e.record.seq)).toEqual([1, 2]);
    expect(seenByConsumer.map((e) => e.record.seq).sort()).toEqual([1, 2]);
    await stop();
    await consumer.close();
    consumerConnection.disconnect();
  });
});
