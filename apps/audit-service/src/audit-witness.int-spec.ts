import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Readable } from 'node:stream';
import { transparency, verifyExportStream } from '@warden/audit-client';
import { eventually } from '@warden/testing';
// A witness as an operator runs it (`warden audit witness`) against the real gateway, the token
// service and the audit worker composed together (tools/e2e/console/platform.ts).
import { startPlatform, type Platform } from '../../../tools/e2e/console/platform';

jest.setTimeout(180_000);

const root = join(__dirname, '..', '..', '..');
const run = promisify(execFile);
let platform: Platform;
let dir: string;
let witnessToken: string;
let logKey: string;
const witnessPrivate = generateKeyPairSync('ed25519').privateKey;
const WITNESS = 'witness.example/w1';
const witnessVkey = transparency.formatVerifierKey(transparency.verifierKey(WITNESS, witnessPrivate, transparency.SIGNATURE_TYPE_COSIGNATURE_V1));

function call(token: string, path: string, init: RequestInit = {}) {
  return fetch(`${platform.url}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers } });
}
const json = async (token: string, path: string, init?: RequestInit) => ((await (await call(token, path, init)).json()) as any).data;

/** `npm run warden -- audit witness ...` without npm: the exit code and both streams. */
async function witness(args: string[] = []) {
  const env = { ...process.env, NODE_ENV: 'development', WARDEN_URL: platform.url, WARDEN_TOKEN: witnessToken, AUDIT_PUBLIC_KEY: logKey, WITNESS_NAME: WITNESS };
  const argv = [join(root, 'node_modules/tsx/dist/cli.mjs'), '--tsconfig', join(root, 'tsconfig.base.json'), join(root, 'tools/cli/warden.ts'), 'audit', 'witness'];
  try {
    const { stdout, stderr } = await run(process.execPath, [...argv, '--witness-key', join(dir, 'witness.pem'), '--state', join(dir, 'state.json'), '--json', ...args], { cwd: root, env });
    return { code: 0, stdout, stderr, output: JSON.parse(stdout) };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr, output: failed.stdout ? JSON.parse(failed.stdout) : undefined };
  }
}

/** Makes one more record (a token) and signs a checkpoint over it. */
async function growAndSign(): Promise<any> {
  const admin = platform.admin.secret;
  const before = (await json(admin, '/api/v1/audit/checkpoints/latest'))?.treeSize ?? 0;
  const created = await json(admin, '/api/v1/apitokens', { method: 'POST', body: JSON.stringify({ name: `grow-${before}`, scopes: ['audit:read'] }) });
  // This token's own record, not just any newer one: an earlier change still on its way would let
  // the periodic checkpointer sign past this checkpoint before the witness runs.
  await eventually(() => json(admin, `/api/v1/audit?objectId=${created.id}`), (records) => records.length === 1);
  return json(admin, '/api/v1/audit/checkpoints', { method: 'POST' });
}

beforeAll(async () => {
  platform = await startPlatform();
  dir = mkdtempSync(join(tmpdir(), 'warden-witness-'));
  writeFileSync(join(dir, 'witness.pem'), witnessPrivate.export({ format: 'pem', type: 'pkcs8' }));
  const created = await json(platform.admin.secret, '/api/v1/apitokens', { method: 'POST', body: JSON.stringify({ name: 'witness', scopes: ['audit:read', 'audit:witness'] }) });
  witnessToken = created.token;
  // Its record is in before any test counts records.
  await eventually(() => json(platform.admin.secret, `/api/v1/audit?objectId=${created.id}`), (records) => records.length === 1);
  // The operator pins the log's note key once, out of band; the witness never takes it from the log.
  logKey = (await json(platform.admin.secret, '/api/v1/audit/keys')).keys[0].verifierKey;
});
afterAll(async () => {
  await platform?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The latest checkpoint's note with its cosignature lines appended, opened with both keys required. */
function openCosigned(latest: any) {
  const log = transparency.parseVerifierKey(logKey);
  const witnessKey = transparency.parseVerifierKey(witnessVkey);
  const lines = latest.cosignatures.map((line: string) => transparency.parseNote(`x\n\n${line}\n`).signatures[0]);
  const cosigned = transparency.addSignatures(latest.note, ...lines);
  return transparency.openCheckpoint(cosigned, [log, witnessKey], { origin: log.name, required: [log, witnessKey] });
}

describe('audit witness', () => {
  it('cosigns the latest checkpoint on first use, and the cosignature is listed with the checkpoint and verifies', async () => {
    const signed = await growAndSign();
    const result = await witness();
    expect(result).toMatchObject({ code: 0, output: { outcome: 'first', previous: null, size: signed.treeSize, rootHash: signed.rootHash, status: 201, witness: witnessVkey } });
    const latest = await json(platform.admin.secret, '/api/v1/audit/checkpoints/latest');
    expect(latest.cosignatures).toEqual([result.output.cosignature]);
    // `note` is the log's note as signed; the lines appended make the cosigned checkpoint.
    expect(latest.note).toBe(signed.note);
    const opened = openCosigned(latest);
    expect(opened.verified.map((signature) => signature.key.name)).toEqual([transparency.parseVerifierKey(logKey).name, WITNESS]);
    expect(JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8'))).toMatchObject({ origin: latest.origin, size: signed.treeSize, rootHash: signed.rootHash });
  });

  it('cosigns the extension after more records, against a consistency proof from the size it last cosigned', async () => {
    const previous = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8'));
    const signed = await growAndSign();
    expect(signed.treeSize).toBeGreaterThan(previous.size);
    const result = await witness();
    expect(result).toMatchObject({ code: 0, output: { outcome: 'extended', previous: { size: previous.size, rootHash: previous.rootHash }, size: signed.treeSize, status: 201 } });
    const latest = await json(platform.admin.secret, '/api/v1/audit/checkpoints/latest');
    expect(latest.treeSize).toBe(signed.treeSize);
    expect(latest.cosignatures).toEqual([result.output.cosignature]);
    expect(openCosigned(latest).checkpoint.size).toBe(signed.treeSize);

    // The export carries both cosignatures; offline, they verify under the witness key the operator gives, and nothing else is needed but the log key.
    const exported = Buffer.from(await (await call(platform.admin.secret, '/api/v1/audit/export')).arrayBuffer());
    const lines = exported.toString('utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(lines.filter((line) => line.kind === 'cosignature').map((line) => line.cosignature)).toEqual([
      expect.objectContaining({ treeSize: previous.size, witness: witnessVkey }),
      expect.objectContaining({ treeSize: signed.treeSize, cosignature: result.output.cosignature }),
    ]);
    const offline = await verifyExportStream(Readable.from([exported]), { publicKey: transparency.parseVerifierKey(logKey).publicKey, witnessKeys: [transparency.parseVerifierKey(witnessVkey)], threads: 1 });
    expect(offline).toMatchObject({ exitCode: 0, tree: { size: signed.treeSize }, cosignatures: { verified: 2, unverifiable: 0 } });
  });

  it('refuses a forked log (same size, another root) with exit 1: nothing is posted and the state is unchanged', async () => {
    const latest = await json(platform.admin.secret, '/api/v1/audit/checkpoints/latest');
    const forked = JSON.stringify({ origin: latest.origin, size: latest.treeSize, rootHash: Buffer.alloc(32, 7).toString('base64'), cosignedAt: new Date().toISOString() });
    writeFileSync(join(dir, 'state.json'), forked);
    const result = await witness();
    expect(result.code).toBe(1);
    expect(result.output).toMatchObject({ refused: true, reason: expect.stringMatching(/^FORK: /) });
    expect(readFileSync(join(dir, 'state.json'), 'utf8')).toBe(forked);
    expect((await json(platform.admin.secret, '/api/v1/audit/checkpoints/latest')).cosignatures).toEqual(latest.cosignatures);
  });

  it('refuses a log whose new checkpoint does not extend the one it cosigned (a rewritten past), and a rollback', async () => {
    const latest = await json(platform.admin.secret, '/api/v1/audit/checkpoints/latest');
    // The witness cosigned size 1 with a root the log's tree of size 1 does not have: the proof cannot verify.
    const rewritten = JSON.stringify({ origin: latest.origin, size: 1, rootHash: Buffer.alloc(32, 9).toString('base64'), cosignedAt: new Date().toISOString() });
    writeFileSync(join(dir, 'state.json'), rewritten);
    const fork = await witness();
    expect(fork).toMatchObject({ code: 1, output: { refused: true, reason: expect.stringMatching(/^FORK: .*consistency proof does not verify/) } });
    expect(readFileSync(join(dir, 'state.json'), 'utf8')).toBe(rewritten);

    const ahead = JSON.stringify({ origin: latest.origin, size: latest.treeSize + 5, rootHash: latest.rootHash, cosignedAt: new Date().toISOString() });
    writeFileSync(join(dir, 'state.json'), ahead);
    const rollback = await witness();
    expect(rollback).toMatchObject({ code: 1, output: { refused: true, reason: expect.stringMatching(/^ROLLBACK: /) } });
    expect(readFileSync(join(dir, 'state.json'), 'utf8')).toBe(ahead);
    expect((await json(platform.admin.secret, '/api/v1/audit/checkpoints/latest')).cosignatures).toEqual(latest.cosignatures);
  });

  it('refuses a checkpoint that does not verify under the pinned key (a key fetched from an impostor is never trusted)', async () => {
    const impostor = transparency.formatVerifierKey(transparency.verifierKey(transparency.parseVerifierKey(logKey).name, generateKeyPairSync('ed25519').privateKey));
    const result = await witness(['--public-key', impostor]);
    expect(result).toMatchObject({ code: 1, output: { refused: true, reason: expect.stringContaining('does not verify under the pinned log key') } });
  });
});

describe('POST /api/v1/audit/checkpoints/{treeSize}/cosignatures', () => {
  const cosign = (checkpoint: any, at = Math.floor(Date.now() / 1000)) =>
    transparency.formatSignatureLine(transparency.signCosignature(transparency.parseNote(checkpoint.note).text, WITNESS, witnessPrivate, at));

  it('stores a witness key’s cosignature once: the same key again gets the stored one', async () => {
    const signed = await growAndSign();
    const line = cosign(signed);
    const path = `/api/v1/audit/checkpoints/${signed.treeSize}/cosignatures`;
    const first = await call(witnessToken, path, { method: 'POST', body: JSON.stringify({ cosignature: line.split(' ')[2], witness: witnessVkey }) });
    expect(first.status).toBe(201);
    const stored = ((await first.json()) as any).data;
    expect(stored).toMatchObject({ origin: signed.origin, treeSize: signed.treeSize, witness: witnessVkey, name: WITNESS, cosignature: line });
    const again = await call(witnessToken, path, { method: 'POST', body: JSON.stringify({ cosignature: cosign(signed, Math.floor(Date.now() / 1000) - 60), witness: witnessVkey }) });
    expect(again.status).toBe(200);
    expect(((await again.json()) as any).data).toEqual(stored);
    expect((await json(platform.admin.secret, '/api/v1/audit/checkpoints/latest')).cosignatures).toEqual([line]);
  });

  it('refuses a token without audit:witness (403), a bad signature (400) and a checkpoint the account does not have (404)', async () => {
    const admin = platform.admin.secret;
    const latest = await json(admin, '/api/v1/audit/checkpoints/latest');
    const path = `/api/v1/audit/checkpoints/${latest.treeSize}/cosignatures`;
    const body = (cosignature: string) => ({ method: 'POST', body: JSON.stringify({ cosignature, witness: witnessVkey }) });

    const reader = await json(admin, '/api/v1/apitokens', { method: 'POST', body: JSON.stringify({ name: 'reader-only', scopes: ['audit:read'] }) });
    const forbidden = await call(reader.token, path, body(cosign(latest)));
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers.get('content-type')).toContain('application/problem+json');

    // A flipped bit of the signature, and a valid cosignature of another checkpoint text.
    const value = Buffer.from(cosign(latest).split(' ')[2], 'base64');
    value[value.length - 1] ^= 1;
    const tampered = await call(witnessToken, path, body(`— ${WITNESS} ${value.toString('base64')}`));
    expect(tampered.status).toBe(400);
    expect(tampered.headers.get('content-type')).toContain('application/problem+json');
    expect(((await tampered.json()) as any).errors).toEqual([{ path: 'body.cosignature', message: expect.stringContaining('does not verify') }]);
    const otherText = transparency.formatSignatureLine(
      transparency.signCosignature(transparency.formatCheckpoint({ origin: latest.origin, size: latest.treeSize, rootHash: Buffer.alloc(32, 1) }), WITNESS, witnessPrivate, 1),
    );
    expect((await call(witnessToken, path, body(otherText))).status).toBe(400);
    // A key that is not a cosignature key, and a line by another name.
    expect((await call(witnessToken, path, { method: 'POST', body: JSON.stringify({ cosignature: cosign(latest), witness: logKey }) })).status).toBe(400);
    expect((await call(witnessToken, path, body(cosign(latest).replace(WITNESS, 'someone-else')))).status).toBe(400);
    // Nothing refused was stored (the periodic checkpointer may have signed a newer head meanwhile: look at this size).
    const stored = await platform.databases.audit.collection('audit_cosignatures').find({ accountId: platform.admin.accountId, treeSize: latest.treeSize }).toArray();
    expect(stored.map((doc) => doc.cosignature)).toEqual(latest.cosignatures);

    // No checkpoint of that size in this account, nor in another account that holds the witness scope.
    expect((await call(witnessToken, `/api/v1/audit/checkpoints/${latest.treeSize + 1000}/cosignatures`, body(cosign(latest)))).status).toBe(404);
    const other = await platform.newAccount({ name: 'other-witnessed', scopes: ['audit:read', 'audit:witness'] });
    expect((await json(other.secret, '/api/v1/audit/verify')).head?.seq ?? 0).toBeLessThan(latest.treeSize);
    const foreign = await call(other.secret, path, body(cosign(latest)));
    expect(foreign.status).toBe(404);
    expect(foreign.headers.get('content-type')).toContain('application/problem+json');
  });
});
