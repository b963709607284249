import { runWarden } from '../../e2e/run-warden';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue, UnrecoverableError, Worker } from 'bullmq';
import { AUDIT_EVENTS_QUEUE, buildChangeEvent, type RecordedEvent } from '@warden/contracts-events';
import { createRedis } from '@warden/queue';
import { CheckpointSigner, consumeRecordedEvents, keyIdOf, verifyExportFile, createRecordedQueue, loadSigningKey, parsePreviousPublicKeys, publishRecorded, transparency } from '@warden/audit-client';
import { RecordSealer, loadRecordSealKey, recordSealKeyOf } from '@warden/audit-feature';
import { eventually, testInfra, TEST_KEYS, uniqueName } from '@warden/testing';
import { writeSyntheticExport } from '../../bench/audit-fixture';
import type { Cluster, Redis } from 'ioredis';
import { rotateAuditSigningKey } from './audit-rotate-key';
import { listFailedAuditJobs, loadAuditCliEnv, replayAuditJobs, resolvePublicKey, tailAudit, verifyAuditExport, type AuditCliEnv } from './audit';

jest.setTimeout(120_000);

const signer = new CheckpointSigner(loadSigningKey(TEST_KEYS.AUDIT_SIGNING_KEY));
let dir: string;

/** `npm run warden -- ...` without npm: the exit code and both streams. */
async function warden(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await runWarden(args, { env: { NODE_ENV: 'development', ...env }, timeout: 0 });
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
    // A file whose keys are not the operator's: its checkpoints name a key id the operator does not trust.
    expect(await verifyAuditExport(foreign, { publicKey: signer.publicKey, progress: false })).toMatchObject({
      exitCode: 1,
      reason: expect.stringContaining(`signed by an unknown key (key id ${otherKey.keyId})`),
    });
  });

  it('verifies an export across a key rotation with both operator keys, its tree roots and its witness cosignatures', async () => {
    const retired = new CheckpointSigner(generateKeyPairSync('ed25519').privateKey);
    const witness = generateKeyPairSync('ed25519').privateKey;
    const witnessKey = transparency.formatVerifierKey(transparency.verifierKey('witness.example', witness, transparency.SIGNATURE_TYPE_COSIGNATURE_V1));
    const file = join(dir, 'rotated.ndjson');
    const options = { records: 3_000, signer, checkpointEvery: 1_000, signerAt: (seq: number) => (seq <= 1_000 ? retired : signer) };
    writeSyntheticExport(file, { ...options, witness: { name: 'witness.example', key: witness } });
    const cli = await warden(['audit', 'verify', '--file', file, '--public-key', signer.publicKeyPem, '--public-key', retired.publicKeyPem, '--witness-key', witnessKey]);
    expect(cli.stdout).toContain('tree root matches 3 signed tree note(s), up to size 3000; 3 witness cosignature(s) verified');
    expect(cli.code).toBe(0);
    const verify = (path: string, keys = [signer.publicKey, retired.publicKey]) => verifyAuditExport(path, { publicKey: keys, witnessKeys: [transparency.parseVerifierKey(witnessKey)], progress: false });
    // The current key alone does not vouch for what the retired key signed.
    expect(await verify(file, [signer.publicKey])).toMatchObject({ exitCode: 1, firstInvalidSeq: 1_000, reason: expect.stringContaining(`unknown key (key id ${retired.keyId})`) });

    const altered = join(dir, 'rotated-altered.ndjson');
    writeSyntheticExport(altered, { ...options, tamper: (record) => (record.seq === 1_500 ? { ...record, remoteIp: '198.51.100.7' } : record) });
    expect(await verify(altered)).toMatchObject({ exitCode: 1, firstInvalidSeq: 1_500, reason: expect.stringContaining("field 'remoteIp'") });

    const wrongRoot = join(dir, 'rotated-wrong-root.ndjson');
    writeSyntheticExport(wrongRoot, { ...options, wrongRootAt: 2_000 });
    expect(await verify(wrongRoot)).toMatchObject({ exitCode: 1, firstInvalidSeq: 2_000, reason: expect.stringContaining('signed tree root that the records up to seq 2000 do not give') });

    const forged = join(dir, 'rotated-forged-cosignature.ndjson');
    writeSyntheticExport(forged, { ...options, witness: { name: 'witness.example', key: witness, forgeAt: 3_000 } });
    expect(await verify(forged)).toMatchObject({ exitCode: 1, firstInvalidSeq: 3_000, reason: expect.stringContaining('by witness witness.example does not verify') });
    // Without the witness key, the same cosignatures are present but unverifiable: reported, not held against the file.
    expect(await verifyAuditExport(forged, { publicKey: [signer.publicKey, retired.publicKey], progress: false })).toMatchObject({ exitCode: 0, cosignatures: { verified: 0, unverifiable: 3 } });
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

describe('warden audit rotate-key', () => {
  it('retires the signing key into AUDIT_PREVIOUS_PUBLIC_KEYS and keeps the record seal key', async () => {
    const file = join(dir, 'keys.json');
    const first = generateKeyPairSync('ed25519').privateKey;
    const firstBase64 = first.export({ type: 'pkcs8', format: 'der' }).toString('base64');
    writeFileSync(file, JSON.stringify({ internal: { 'cli>audit-service': 'cli>audit-service:local-1:x' }, AUDIT_SIGNING_KEY: firstBase64 }), { mode: 0o600 });
    const cli = await warden(['audit', 'rotate-key', '--keys', file, '--json']);
    expect(cli.code).toBe(0);
    const rotated = JSON.parse(readFileSync(file, 'utf8'));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(rotated.internal).toEqual({ 'cli>audit-service': 'cli>audit-service:local-1:x' });
    expect(rotated.AUDIT_SIGNING_KEY).not.toBe(firstBase64);
    expect(rotated.AUDIT_SEAL_KEY).toBe(recordSealKeyOf(first).toString('base64'));
    const [previous] = parsePreviousPublicKeys(rotated.AUDIT_PREVIOUS_PUBLIC_KEYS);
    expect(previous.keyId).toBe(keyIdOf(first));
    const current = new CheckpointSigner(loadSigningKey(rotated.AUDIT_SIGNING_KEY), parsePreviousPublicKeys(rotated.AUDIT_PREVIOUS_PUBLIC_KEYS));
    expect(JSON.parse(cli.stdout)).toMatchObject({ retired: { keyId: keyIdOf(first), retiredAt: previous.validUntil }, current: { keyId: current.keyId, publicKey: rotated.AUDIT_PUBLIC_KEY } });
    // Records sealed before the rotation keep their seals under the kept seal key.
    const seal = new RecordSealer(first).seal('acc', 1, 'a'.repeat(64));
    expect(new RecordSealer(loadRecordSealKey(rotated.AUDIT_SEAL_KEY)).verify('acc', 1, 'a'.repeat(64), seal)).toBe(true);
    // A second rotation keeps both retired keys and the same seal key.
    rotateAuditSigningKey(file);
    const twice = JSON.parse(readFileSync(file, 'utf8'));
    expect(parsePreviousPublicKeys(twice.AUDIT_PREVIOUS_PUBLIC_KEYS).map((key) => key.keyId)).toEqual([keyIdOf(first), current.keyId]);
    expect(twice.AUDIT_SEAL_KEY).toBe(rotated.AUDIT_SEAL_KEY);
  });
});

describe('warden audit failed / replay / tail', () => {
  const prefix = uniqueName('q');
  let redisUrl: string;
  let env: AuditCliEnv;
  let connection: Redis | Cluster;
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
