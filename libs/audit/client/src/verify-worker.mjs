// The per-record half of offline export verification, run in worker threads: parse each line,
// hash its canonical text, and check that the fields a reader sees are the fields that were
// hashed. The sequential half (seq continuity, prevHash links, checkpoints) stays with the caller
// (ChainVerifier.pushChecked). Plain JavaScript so that it loads the same under tsx, Jest and node;
// it mirrors ChainVerifier's checks in chain-verifier.ts (the CLI tests run both).
// It also hashes the Merkle tree (RFC 9162) over the block's records: the complete subtrees of
// KEPT_LEVEL and up that lie inside the block, placed as if the block's first record were leaf
// seq - 1. The caller keeps them only when that is where the block really starts (ExportTree).
import { isAscii } from 'node:buffer';
import { createHash, hash as oneShotHash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';

const CONTENT = new Set(['id', 'seq', 'timestamp', 'objectType', 'auditType', 'objectId', 'username', 'actor', 'remoteIp', 'detail', 'prevHash']);
const OWN = new Set(['hash', 'canonical']);
const has = Object.prototype.hasOwnProperty;
// export-tree.ts KEPT_LEVEL: lower subtrees are not sent.
const KEPT_LEVEL = 6;
/** The leaf hash of the record selfCheck last hashed. */
let leaf;
/** Holds the place of a record that failed its checks: the chain fails there, so no root that covers it is ever compared. */
const FAILED_LEAF = Buffer.alloc(32);
const node = Buffer.alloc(65);
node[0] = 0x01;
// crypto.hash (Node 20.12 and later) is one call instead of a Hash object: about twice as fast on these small inputs.
const sha256 = oneShotHash ? (data, encoding) => oneShotHash('sha256', data, encoding) : (data, encoding) => createHash('sha256').update(data).digest(encoding);

/** SHA-256(0x01 || left || right). */
function nodeHash(left, right) {
  left.copy(node, 1);
  right.copy(node, 33);
  return sha256(node, 'buffer');
}

/** The complete subtrees of level KEPT_LEVEL and up inside leaves [start, start + leaves.length). */
function subtrees(start, leaves) {
  const out = [];
  let first = start;
  let row = leaves;
  for (let level = 1; row.length > 1; level++) {
    const from = Math.ceil(first / 2);
    const next = [];
    for (let parent = from; 2 * parent + 1 < first + row.length; parent++) next.push(nodeHash(row[2 * parent - first], row[2 * parent + 1 - first]));
    first = from;
    row = next;
    if (level >= KEPT_LEVEL) for (let i = 0; i < row.length; i++) out.push({ level, index: first + i, hash: row[i] });
  }
  return out;
}

function jsonEqual(a, b) {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  let count = 0;
  for (const key in a) {
    if (!has.call(a, key)) continue;
    count++;
    if (!has.call(b, key) || !jsonEqual(a[key], b[key])) return false;
  }
  for (const key in b) if (has.call(b, key)) count--;
  return count === 0;
}

function selfCheck(record) {
  if (typeof record.canonical !== 'string') return { error: 'the record has no canonical text' };
  // SHA-256(0x00 || canonical): U+0000 is the one byte 0x00 in UTF-8. The digest is the record's leaf in the tree.
  leaf = sha256(`\u0000${record.canonical}`, 'buffer');
  if (typeof record.hash !== 'string' || leaf.toString('hex') !== record.hash) return { error: 'hash mismatch: the canonical text does not hash to the stored hash' };
  let content;
  try {
    content = JSON.parse(record.canonical);
  } catch {
    return { error: 'the canonical text is not JSON' };
  }
  if (typeof content !== 'object' || content === null || Array.isArray(content)) return { error: 'the canonical text is not an object' };
  for (const key in content) {
    if (!CONTENT.has(key)) return { error: `the canonical text has an unexpected field '${key}'` };
    if (!jsonEqual(content[key], record[key])) return { error: `field '${key}' does not match the hashed canonical text` };
  }
  for (const key in record) if (!OWN.has(key) && !(key in content)) return { error: `field '${key}' is not covered by the hash` };
  return { contentSeq: content.seq, contentPrevHash: content.prevHash };
}

parentPort.on('message', ({ id, buffer, length }) => {
  const bytes = Buffer.from(buffer, 0, length ?? buffer.byteLength);
  // ASCII (the usual export) decodes the same as Latin-1, which is a copy instead of UTF-8 decoding: a
  // quarter of this thread's time on a 2 MiB block otherwise (and JSON.parse is faster on one-byte strings).
  const text = isAscii && isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
  const entries = [];
  const leaves = [];
  let start;
  let cursor = 0;
  while (cursor < text.length) {
    let end = text.indexOf('\n', cursor);
    if (end === -1) end = text.length;
    if (end > cursor) {
      let parsed;
      try {
        parsed = JSON.parse(text.slice(cursor, end));
      } catch {
        parsed = undefined;
      }
      if (parsed === undefined) entries.push({ kind: 'bad' });
      else if (parsed && parsed.kind === 'record' && parsed.record && typeof parsed.record === 'object') {
        const record = parsed.record;
        const checked = selfCheck(record);
        entries.push({ kind: 'record', recordSeq: record.seq, hash: record.hash, ...checked });
        if (start === undefined) start = Number.isSafeInteger(record.seq) && record.seq >= 1 ? record.seq - 1 : -1;
        leaves.push(checked.error ? FAILED_LEAF : leaf);
      } else if (parsed && parsed.kind === 'checkpoint' && parsed.checkpoint && typeof parsed.checkpoint === 'object') {
        entries.push({ kind: 'checkpoint', checkpoint: parsed.checkpoint });
      } else if (parsed && parsed.kind === 'cosignature' && parsed.cosignature && typeof parsed.cosignature === 'object') {
        entries.push({ kind: 'cosignature', cosignature: parsed.cosignature });
      } else entries.push({ kind: 'unknown' });
    }
    cursor = end + 1;
  }
  const tree = start >= 0 ? { start, count: leaves.length, nodes: subtrees(start, leaves) } : null;
  parentPort.postMessage({ id, entries, tree });
});
