import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { AuditRecordWithCanonical } from './chain';
import { testChain } from './test-chain';
import { ChainVerifier } from './chain-verifier';
import { CheckpointKeyring, CheckpointSigner, auditLogOrigin, formatPreviousPublicKey, parsePreviousPublicKeys } from './checkpoint';
import { ExportTree } from './export-tree';
import { verifyExportStream } from './export-verifier';
import * as transparency from './transparency';

const accountId = randomUUID();
const newKey = () => generateKeyPairSync('ed25519').privateKey;

const chain = (n: number) => testChain(n, (seq) => ({
  detail: { create: { after: { name: seq % 7 === 0 ? `clé-🔑-${seq}` : `t${seq}` } }, auditType: 'Created', auditObject: 'ApiToken' },
}));

const leaves = (records: AuditRecordWithCanonical[]) => records.map((record) => Buffer.from(record.hash, 'hex'));

/** A tree checkpoint of the first `size` records, as the service stores and exports it. */
function treeCheckpoint(signer: CheckpointSigner, records: AuditRecordWithCanonical[], size: number, rootHash = transparency.rootFromLeaves(leaves(records.slice(0, size)))) {
  const head = records[size - 1];
  const note = signer.signTreeHead({ origin: auditLogOrigin(accountId), size, rootHash });
  return { ...signer.sign({ accountId, seq: size, hash: head.hash, time: new Date().toISOString() }), treeSize: size, rootHash: rootHash.toString('base64'), note };
}

const exportOf = (lines: unknown[]) => Readable.from([Buffer.from(lines.map((line) => `${JSON.stringify(line)}\n`).join(''))]);

describe('checkpoint keys by key id', () => {
  it('verifies each checkpoint under the key its key id names, and refuses an unknown key id', () => {
    const retired = newKey();
    const previous = parsePreviousPublicKeys(formatPreviousPublicKey(retired, new Date('2026-01-01T00:00:00Z')));
    const current = new CheckpointSigner(newKey(), previous);
    const old = new CheckpointSigner(retired);
    const stranger = new CheckpointSigner(newKey());
    const records = chain(4);
    const verifier = new ChainVerifier();
    for (const record of records) verifier.push(record);
    const statement = (seq: number) => ({ accountId, seq, hash: records[seq - 1].hash, time: new Date().toISOString() });
    expect(verifier.finish([old.sign(statement(2)), current.sign(statement(4))], current.keyring, accountId)).toMatchObject({ valid: true, checkpoint: { seq: 4 } });
    expect(verifier.finish([old.sign(statement(2))], current.publicKey, accountId)).toMatchObject({ valid: false, reason: expect.stringContaining(`unknown key (key id ${old.keyId})`) });
    expect(verifier.finish([stranger.sign(statement(4))], current.keyring, accountId)).toMatchObject({ valid: false, firstInvalidSeq: 4, reason: expect.stringContaining('unknown key') });
    // A signature by another key under a trusted key id is a bad signature, not an unknown key.
    expect(current.keyring.check({ ...stranger.sign(statement(4)), keyId: old.keyId })).toBe('bad-signature');
    expect(current.keyring.keys.map((key) => [key.keyId, key.validFrom, key.validUntil])).toEqual([
      [current.keyId, '2026-01-01T00:00:00.000Z', null],
      [old.keyId, null, '2026-01-01T00:00:00.000Z'],
    ]);
  });

  it('parses AUDIT_PREVIOUS_PUBLIC_KEYS strictly and orders their validity', () => {
    const [a, b] = [newKey(), newKey()];
    const parsed = parsePreviousPublicKeys(`${formatPreviousPublicKey(b, new Date('2026-03-01T00:00:00Z'))}, ${formatPreviousPublicKey(a, new Date('2026-01-01T00:00:00Z'))}`);
    expect(parsed.map((key) => [key.validFrom, key.validUntil])).toEqual([
      [null, '2026-01-01T00:00:00.000Z'],
      ['2026-01-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z'],
    ]);
    expect(parsePreviousPublicKeys('')).toEqual([]);
    expect(() => parsePreviousPublicKeys('MCowBQYDK2VwAyEA')).toThrow(/retired at/);
    expect(() => parsePreviousPublicKeys(`${formatPreviousPublicKey(a, new Date()).split('@')[0]}@yesterday`)).toThrow(/RFC 3339/);
    expect(() => new CheckpointSigner(a, parsePreviousPublicKeys(formatPreviousPublicKey(a, new Date())))).toThrow(/also listed/);
    expect(CheckpointKeyring.of([a, b]).size).toBe(2);
  });
});

describe('the export tree', () => {
  it('gives the RFC 9162 root of every size from kept subtrees and the leaves', () => {
    const records = chain(300);
    const hashes = leaves(records);
    const tree = new ExportTree((index) => hashes[index]);
    // Subtrees handed in for a block of leaves [64, 192) (as a worker thread would), the rest from the leaves.
    for (let index = 1; index < 3; index++) tree.add(6, index, transparency.rootFromLeaves(hashes.slice(index * 64, (index + 1) * 64)));
    for (const size of [1, 2, 63, 64, 65, 128, 191, 192, 255, 299, 300]) expect(tree.root(size).equals(transparency.rootFromLeaves(hashes.slice(0, size)))).toBe(true);
  });
});

describe('offline verification of an export with its tree', () => {
  const witness = newKey();
  const witnessKey = transparency.verifierKey('witness.example', witness, transparency.SIGNATURE_TYPE_COSIGNATURE_V1);
  const signer = new CheckpointSigner(newKey());
  const records = chain(130);
  const recordLines = records.map((record) => ({ kind: 'record', record }));
  const cosign = (checkpoint: { note: string; treeSize: number }, text = transparency.parseNote(checkpoint.note).text) => ({
    kind: 'cosignature',
    cosignature: { treeSize: checkpoint.treeSize, cosignature: transparency.formatSignatureLine(transparency.signCosignature(text, witnessKey.name, witness, 1_750_000_000)) },
  });

  it('checks every signed tree root against the records, with one thread and with workers', async () => {
    const first = treeCheckpoint(signer, records, 70);
    const last = treeCheckpoint(signer, records, 130);
    const lines = [...recordLines, { kind: 'checkpoint', checkpoint: first }, { kind: 'checkpoint', checkpoint: last }, cosign(first), cosign(last)];
    for (const threads of [1, 2]) {
      const result = await verifyExportStream(exportOf(lines), { publicKey: signer.publicKey, witnessKeys: [witnessKey], threads });
      expect(result).toMatchObject({ exitCode: 0, tree: { checkpoints: 2, size: 130 }, keyIds: [signer.keyId], cosignatures: { verified: 2, unverifiable: 0 } });
    }
    // Without the witness key the cosignatures are reported, not held against the file.
    expect(await verifyExportStream(exportOf(lines), { publicKey: signer.publicKey, threads: 1 })).toMatchObject({
      exitCode: 0,
      cosignatures: { verified: 0, unverifiable: 2, witnesses: [{ name: 'witness.example', noteKeyId: witnessKey.keyId.toString(16).padStart(8, '0'), unverifiable: 2 }] },
    });
  });

  it('catches a signed root the records do not give, and a forged cosignature', async () => {
    const wrong = treeCheckpoint(signer, records, 100, randomBytes(32));
    const last = treeCheckpoint(signer, records, 130);
    const result = await verifyExportStream(exportOf([...recordLines, { kind: 'checkpoint', checkpoint: wrong }, { kind: 'checkpoint', checkpoint: last }]), { publicKey: signer.publicKey, threads: 1 });
    expect(result).toMatchObject({ exitCode: 1, firstInvalidSeq: 100, reason: expect.stringContaining('signed tree root that the records up to seq 100 do not give') });

    const forged = cosign(last, transparency.formatCheckpoint({ origin: auditLogOrigin(accountId), size: 130, rootHash: randomBytes(32) }));
    const lines = [...recordLines, { kind: 'checkpoint', checkpoint: last }, forged];
    expect(await verifyExportStream(exportOf(lines), { publicKey: signer.publicKey, witnessKeys: [witnessKey], threads: 1 })).toMatchObject({
      exitCode: 1,
      firstInvalidSeq: 130,
      reason: expect.stringContaining('cosignature of the checkpoint at seq 130 by witness witness.example does not verify'),
    });
  });
});
