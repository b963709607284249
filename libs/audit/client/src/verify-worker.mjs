// The per-record half of offline export verification, run in worker threads: parse each line,
// hash its canonical text, and check that the fields a reader sees are the fields that were
// hashed. The sequential half (seq continuity, prevHash links, checkpoints) stays with the caller
// (ChainVerifier.pushChecked). Plain JavaScript so that it loads the same under tsx, Jest and node;
// it mirrors ChainVerifier's checks in chain-verifier.ts (the CLI tests run both).
import { createHash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';

const CONTENT = new Set(['id', 'seq', 'timestamp', 'objectType', 'auditType', 'objectId', 'username', 'actor', 'remoteIp', 'detail', 'prevHash']);
const OWN = new Set(['hash', 'canonical']);
const LEAF_PREFIX = Buffer.from([0x00]);
const has = Object.prototype.hasOwnProperty;

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
  const hash = createHash('sha256').update(LEAF_PREFIX).update(record.canonical, 'utf8').digest('hex');
  if (typeof record.hash !== 'string' || hash !== record.hash) return { error: 'hash mismatch: the canonical text does not hash to the stored hash' };
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

parentPort.on('message', ({ id, buffer }) => {
  const text = Buffer.from(buffer).toString('utf8');
  const entries = [];
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    if (end > start) {
      let parsed;
      try {
        parsed = JSON.parse(text.slice(start, end));
      } catch {
        parsed = undefined;
      }
      if (parsed === undefined) entries.push({ kind: 'bad' });
      else if (parsed && parsed.kind === 'record' && parsed.record && typeof parsed.record === 'object') {
        const record = parsed.record;
        entries.push({ kind: 'record', recordSeq: record.seq, hash: record.hash, ...selfCheck(record) });
      } else if (parsed && parsed.kind === 'checkpoint' && parsed.checkpoint && typeof parsed.checkpoint === 'object') {
        entries.push({ kind: 'checkpoint', checkpoint: parsed.checkpoint });
      } else entries.push({ kind: 'unknown' });
    }
    start = end + 1;
  }
  parentPort.postMessage({ id, entries });
});
