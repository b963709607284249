import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { GENESIS_HASH, leafHash, type AuditRecordWithCanonical } from './chain';
import { testChain } from './test-chain';
import { ChainVerifier, jsonEqual } from './chain-verifier';
import { CheckpointSigner } from './checkpoint';

const { privateKey } = generateKeyPairSync('ed25519');
const signer = new CheckpointSigner(privateKey);
const accountId = randomUUID();

const chain = (n: number) => testChain(n, (seq) => ({
  auditType: 'Updated',
  remoteIp: '203.0.113.7',
  detail: { update: { prior: { name: 'a' }, after: { name: `b${seq}` } }, auditType: 'Updated', auditObject: 'ApiToken' },
}));

function verify(records: AuditRecordWithCanonical[], checkpointAt?: number) {
  const verifier = new ChainVerifier();
  for (const record of records) verifier.push(record);
  const checkpoints = checkpointAt
    ? [signer.sign({ accountId, seq: checkpointAt, hash: records[checkpointAt - 1].hash, time: new Date().toISOString() })]
    : [];
  return verifier.finish(checkpoints, signer.publicKey, accountId);
}

describe('hash chain', () => {
  it('hashes the canonical text with the RFC 6962 leaf prefix', () => {
    const [record] = chain(1);
    expect(record.canonical.startsWith('{"actor":{"id":"tok-1","name":"ci","type":"token"},"auditType":"Updated"')).toBe(true);
    expect(record.hash).toBe(leafHash(record.canonical));
    expect(record.prevHash).toBe(GENESIS_HASH);
  });

  it('accepts an intact chain anchored by a checkpoint', () => {
    const records = chain(5);
    expect(verify(records, 5)).toEqual({
      valid: true,
      checked: 5,
      head: { seq: 5, hash: records[4].hash },
      checkpoint: expect.objectContaining({ seq: 5, hash: records[4].hash }),
    });
  });

  it('names the first record whose field differs from what was hashed', () => {
    const records = chain(5);
    records[2] = { ...records[2], objectId: 'someone-else' };
    expect(verify(records)).toMatchObject({ valid: false, firstInvalidSeq: 3, reason: expect.stringContaining("field 'objectId'") });
  });

  it('catches a missing middle record', () => {
    const records = chain(5);
    records.splice(2, 1);
    expect(verify(records)).toMatchObject({ valid: false, firstInvalidSeq: 3, reason: expect.stringContaining('seq gap') });
  });

  it('catches a truncated tail and a rewritten chain through the checkpoint', () => {
    const records = chain(5);
    const checkpoint = signer.sign({ accountId, seq: 5, hash: records[4].hash, time: new Date().toISOString() });
    const truncated = new ChainVerifier();
    records.slice(0, 3).forEach((r) => truncated.push(r));
    expect(truncated.finish([checkpoint], signer.publicKey, accountId)).toMatchObject({ valid: false, firstInvalidSeq: 4 });
    const rewritten = new ChainVerifier();
    chain(5).forEach((r) => rewritten.push(r));
    expect(rewritten.finish([checkpoint], signer.publicKey, accountId)).toMatchObject({ valid: false, firstInvalidSeq: 5, reason: expect.stringContaining('rewritten') });
  });

  it('refuses a checkpoint with a forged signature', () => {
    const records = chain(2);
    const verifier = new ChainVerifier();
    records.forEach((r) => verifier.push(r));
    const checkpoint = { ...signer.sign({ accountId, seq: 2, hash: records[1].hash, time: new Date().toISOString() }), time: '2030-01-01T00:00:00.000Z' };
    expect(verifier.finish([checkpoint], signer.publicKey, accountId)).toMatchObject({ valid: false, reason: expect.stringContaining('signature') });
  });

  it('compares JSON structurally', () => {
    expect(jsonEqual({ a: [1, { b: null }], c: 'x' }, { c: 'x', a: [1, { b: null }] })).toBe(true);
    expect(jsonEqual({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(jsonEqual([1], { 0: 1 })).toBe(false);
  });
});
