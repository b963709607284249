import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { cosignCheckpoint, formatCheckpoint, openCheckpoint, parseCheckpoint, signCheckpoint } from './checkpoint';
import { cosignatureMessage, cosignatureTimestamp, signCosignature, verifyCosignature } from './cosignature';
import { formatVerifierKey, noteKeyId, parseVerifierKey, rawEd25519PublicKey, SIGNATURE_TYPE_COSIGNATURE_V1, verifierKey } from './keys';
import { leafHash } from './merkle';
import { addSignatures, formatNote, NoteError, openNote, parseNote, signNote } from './note';
import { CompactRange } from './compact-range';

// Known keys and notes of golang.org/x/mod/sumdb/note (note.go documentation and note_test.go).
const PETER_SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const PETER_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const ENOCH_VKEY = 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop';
const TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const PETER_SIG = '\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
const ENOCH_SIG = '\u2014 EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n';
// Cosigner keys of github.com/transparency-dev/formats note/note_cosigv1_test.go.
const REMORA_COSIGNER_VKEY = 'remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2';
const TEST_VKEY_WITH_PLUS = 'TEST+7997405c+AQcC+FTVKf0jlTdHDY3rbevmnKxxPjigCXlVtGe6RIr6';
// The example checkpoint of c2sp.org/tlog-cosignature, whose witness line cosigned at "time 1679315147".
const C2SP_EXAMPLE = [
  'example.com/behind-the-sofa',
  '20852163',
  'CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=',
  '',
  '\u2014 example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=',
  '\u2014 witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==',
  '',
].join('\n');

/** An Ed25519 private KeyObject from a sumdb "PRIVATE+KEY+<name>+<id>+base64(0x01 || seed)" key. */
function privateKeyFromSkey(skey: string) {
  const seed = Buffer.from(skey.split('+').slice(4).join('+'), 'base64').subarray(1);
  return createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]), format: 'der', type: 'pkcs8' });
}

function errorCode(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return error instanceof NoteError ? error.code : String(error);
  }
}

const peterKey = privateKeyFromSkey(PETER_SKEY);
const peter = parseVerifierKey(PETER_VKEY);
const enoch = parseVerifierKey(ENOCH_VKEY);

describe('signed notes (c2sp.org/signed-note)', () => {
  it('signs the golang.org/x/mod/sumdb/note example to the published bytes', () => {
    expect(formatNote({ text: TEXT, signatures: [signNote(TEXT, 'PeterNeumann', peterKey)] })).toBe(`${TEXT}\n${PETER_SIG}`);
    expect(formatVerifierKey(verifierKey('PeterNeumann', peterKey))).toBe(PETER_VKEY);
    expect(peter.keyId).toBe(0xc74f20a3);
    expect(noteKeyId('PeterNeumann', 0x01, rawEd25519PublicKey(peterKey))).toBe(0xc74f20a3);
  });

  it('verifies known signatures and ignores unknown ones, as sumdb/note Open does', () => {
    const message = `${TEXT}\n${PETER_SIG}${ENOCH_SIG}`;
    const one = openNote(message, [peter]);
    expect(one.text).toBe(TEXT);
    expect(one.verified.map((s) => s.name)).toEqual(['PeterNeumann']);
    expect(one.unverified.map((s) => [s.name, s.keyId])).toEqual([['EnochRoot', 0xaf0cfe78]]);
    const both = openNote(message, [peter, enoch], { required: [peter, enoch] });
    expect(both.verified.map((s) => s.name)).toEqual(['PeterNeumann', 'EnochRoot']);
    expect(both.unverified).toEqual([]);
    expect(errorCode(() => openNote(message, []))).toBe('unverified');
    expect(errorCode(() => openNote(`${TEXT}\n${PETER_SIG}`, [peter], { required: [enoch] }))).toBe('missing-signature');
    expect(errorCode(() => openNote(`${TEXT}\n${ENOCH_SIG}`, [enoch, peter, enoch]))).toBe('ambiguous-key');
    expect(openNote(`${TEXT}\n${PETER_SIG}`, [enoch, peter, enoch]).verified).toHaveLength(1);
    // A known key's bad signature refuses the whole note; repeats of a good one are read once.
    expect(errorCode(() => openNote(`${TEXT}\n${PETER_SIG.slice(0, 60)}ABCD${PETER_SIG.slice(60)}`, [peter]))).toBe('invalid-signature');
    const repeated = openNote(`${TEXT}\n${PETER_SIG}${PETER_SIG}${ENOCH_SIG}${ENOCH_SIG}`, [peter]);
    expect([repeated.verified.length, repeated.unverified.length]).toEqual([1, 1]);
    // Same name or same id as a known key, but not both: unknown, so ignored.
    expect(openNote(`${TEXT}\n${PETER_SIG}${PETER_SIG.replace('PeterNeumann', 'PeterNeuman')}`, [peter]).unverified).toHaveLength(1);
  });

  it('refuses the malformed notes of sumdb/note, and more', () => {
    const bad = [
      TEXT,
      `${TEXT}\n`,
      `${TEXT}\n${PETER_SIG.slice(0, -1)}`,
      `\u0001${TEXT}\n${PETER_SIG}`,
      `${TEXT}\n\u2014 Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`,
      `${TEXT}\n${PETER_SIG}Unexpected line.\n`,
      `${TEXT}\n${PETER_SIG.repeat(101)}`,
      `${TEXT}\n- PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`,
      `${TEXT}\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM\n`,
      `${TEXT}\n\u2014 PeterNeumann AAAA\n`,
      `${TEXT}\n\u2014 PeterNeumann\n`,
      `${TEXT}\r\n${PETER_SIG}`,
    ];
    for (const message of bad) expect({ message, code: errorCode(() => openNote(message, [peter])) }).toEqual({ message, code: 'malformed' });
    expect(errorCode(() => parseNote(Buffer.from([0xff, 0x0a, 0x0a])))).toBe('malformed');
    expect(parseNote(Buffer.from(`${TEXT}\n${PETER_SIG}`, 'utf8')).text).toBe(TEXT);
    expect(errorCode(() => formatNote({ text: 'no newline', signatures: [signNote(TEXT, 'PeterNeumann', peterKey)] }))).toBe('malformed');
    expect(errorCode(() => formatNote({ text: TEXT, signatures: [] }))).toBe('malformed');
  });

  it('parses and refuses verifier keys as sumdb/note and transparency-dev/formats do', () => {
    expect(formatVerifierKey(enoch)).toBe(ENOCH_VKEY);
    expect(formatVerifierKey(parseVerifierKey(TEST_VKEY_WITH_PLUS))).toBe(TEST_VKEY_WITH_PLUS);
    const remora = parseVerifierKey(REMORA_COSIGNER_VKEY);
    expect([remora.name, remora.keyId, remora.type]).toEqual(['remora.n621.de', 0xda77ade7, SIGNATURE_TYPE_COSIGNATURE_V1]);
    expect(formatVerifierKey(remora)).toBe(REMORA_COSIGNER_VKEY);
    const bad = [
      'PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==',
      'PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW',
      'bananas.sigstore.dev+12344556',
      'rekor.sigstore.dev+12345678+THIS_IS_NOT_BASE64!',
      'rekor.sigstore.dev+12345678+AwEB',
      PETER_VKEY.replace('c74f20a3', 'c74f20a4'),
      PETER_VKEY.replace('PeterNeumann', 'Peter Neumann'),
      PETER_VKEY.slice(0, -1),
      `${PETER_VKEY}=`,
    ];
    for (const vkey of bad) expect(() => parseVerifierKey(vkey)).toThrow();
    // Every truncation of the published key is refused.
    for (let end = 1; end < PETER_VKEY.length; end++) expect(() => parseVerifierKey(PETER_VKEY.slice(0, end))).toThrow();
  });
});

describe('checkpoints (c2sp.org/tlog-checkpoint)', () => {
  const logKey = generateKeyPairSync('ed25519').privateKey;
  const origin = 'warden.example/audit/acct-1';
  const log = verifierKey(origin, logKey);
  const range = CompactRange.empty().appendAll([0, 1, 2].map((i) => leafHash(Buffer.from(`record ${i}`)))).range;

  it('formats and parses the body strictly', () => {
    const body = formatCheckpoint({ origin, size: range.size, rootHash: range.root() });
    expect(body).toBe(`${origin}\n3\n${range.root().toString('base64')}\n`);
    expect(parseCheckpoint(body)).toEqual({ origin, size: 3, rootHash: range.root() });
    expect(parseCheckpoint(`${body}ext one\n`).extensions).toEqual(['ext one']);
    const example = parseCheckpoint(parseNote(C2SP_EXAMPLE).text);
    expect([example.origin, example.size, example.rootHash.toString('base64')]).toEqual(['example.com/behind-the-sofa', 20852163, 'CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=']);
    const root = range.root().toString('base64');
    const bad = [`${origin}\n3\n${root}`, `${origin}\n03\n${root}\n`, `${origin}\n-1\n${root}\n`, `\n3\n${root}\n`, `${origin}\n3\n`, `${origin}\n3\n${root.slice(0, -4)}\n`, `${origin}\n3\n${root}\n\n`, `${origin}\n9007199254740992\n${root}\n`];
    for (const text of bad) expect({ text, code: errorCode(() => parseCheckpoint(text)) }).toEqual({ text, code: 'malformed' });
  });

  it('signs, verifies with the log key, checks the origin and refuses a changed body', () => {
    const signed = signCheckpoint({ origin, size: 3, rootHash: range.root() }, origin, logKey);
    const opened = openCheckpoint(signed, [log], { origin, required: [log] });
    expect(opened.checkpoint.size).toBe(3);
    expect(opened.checkpoint.rootHash).toEqual(range.root());
    expect(errorCode(() => openCheckpoint(signed, [log], { origin: 'other' }))).toBe('wrong-origin');
    expect(errorCode(() => openCheckpoint(signed.replace('\n3\n', '\n4\n'), [log]))).toBe('invalid-signature');
    expect(errorCode(() => openCheckpoint(signed, [enoch]))).toBe('unverified');
  });
});

describe('cosignatures (c2sp.org/tlog-cosignature)', () => {
  const logKey = generateKeyPairSync('ed25519').privateKey;
  const witnessKey = generateKeyPairSync('ed25519').privateKey;
  const origin = 'warden.example/audit/acct-1';
  const log = verifierKey(origin, logKey);
  const witness = verifierKey('witness.example/w1', witnessKey, SIGNATURE_TYPE_COSIGNATURE_V1);
  const body = formatCheckpoint({ origin, size: 3, rootHash: leafHash(Buffer.from('root')) });

  it('signs the cosignature/v1 message: header, time line, then the checkpoint body', () => {
    expect(cosignatureMessage(body, 1679315147).toString()).toBe(`cosignature/v1\ntime 1679315147\n${body}`);
    const signature = signCosignature(body, 'witness.example/w1', witnessKey, 1679315147);
    expect(signature.keyId).toBe(witness.keyId);
    expect(signature.signature.length).toBe(8 + 64);
    expect(cosignatureTimestamp(signature)).toBe(1679315147);
    expect(verifyCosignature(body, signature, witness)).toBe(true);
    expect(verifyCosignature(body.replace('\n3\n', '\n4\n'), signature, witness)).toBe(false);
    // The timestamp is signed: changing it breaks the signature.
    const moved = Buffer.from(signature.signature);
    moved.writeBigUInt64BE(1679315148n);
    expect(verifyCosignature(body, { ...signature, signature: moved }, witness)).toBe(false);
    // A plain Ed25519 key of the same name and key material is another key (type 0x01, another key id).
    expect(verifyCosignature(body, signature, verifierKey('witness.example/w1', witnessKey))).toBe(false);
  });

  it('reads the timestamps of published cosignatures', () => {
    const [, witnessLine] = parseNote(C2SP_EXAMPLE).signatures;
    expect([witnessLine.name, cosignatureTimestamp(witnessLine)]).toEqual(['witness.example.com/w1', 1679315147]);
    const formats = Buffer.from('ZGhGuQAAAABm/qTPeyKXD+R2rzyQsxPiP8mXum7qq/iF0u4vanlqJyocWODBt97w9uL+8qT7S5gxEHWWOworDcFiEBYJXORmnFBOBA==', 'base64');
    expect(cosignatureTimestamp({ signature: formats.subarray(4) })).toBe(1727964367);
    const plain = Buffer.from('eQjRQm6eSKzFoiYalgwCPXu2y3ijtg68is9M46JKxuZB+dRfTmeQeDBoXnvxZx2ugnkyV+MUMLXpWs1hPb/W/4xkNQY=', 'base64');
    expect(cosignatureTimestamp({ signature: plain.subarray(4) })).toBeUndefined();
  });

  it('a witness adds its cosignature to a signed checkpoint, and a client requires both', () => {
    const signed = signCheckpoint(parseCheckpoint(body), origin, logKey);
    const cosigned = cosignCheckpoint(signed, 'witness.example/w1', witnessKey, 1700000000);
    expect(cosigned.split('\n\u2014 ')).toHaveLength(3);
    const opened = openCheckpoint(cosigned, [log, witness], { origin, required: [log, witness] });
    expect(opened.verified.map((s) => [s.name, s.timestamp])).toEqual([
      [origin, undefined],
      ['witness.example/w1', 1700000000],
    ]);
    // A later cosignature by the same witness replaces the earlier one.
    const again = cosignCheckpoint(cosigned, 'witness.example/w1', witnessKey, 1700000060);
    expect(openCheckpoint(again, [log, witness]).verified.map((s) => s.timestamp)).toEqual([undefined, 1700000060]);
    expect(errorCode(() => openCheckpoint(signed, [log, witness], { required: [log, witness] }))).toBe('missing-signature');
    expect(errorCode(() => openCheckpoint(addSignatures(signed, signCosignature(body.replace('\n3\n', '\n4\n'), 'witness.example/w1', witnessKey, 1)), [log, witness]))).toBe('invalid-signature');
    expect(formatVerifierKey(parseVerifierKey(formatVerifierKey(witness)))).toBe(formatVerifierKey(witness));
  });
});
