import type { KeyObject } from 'node:crypto';
import { CONTENT_FIELDS, GENESIS_HASH, leafHash, type AuditRecordWithCanonical, type ChainHead } from './chain';
import { CheckpointKeyring, type AuditCheckpoint } from './checkpoint';

export interface ChainFailure {
  seq: number;
  reason: string;
}

/** The shape of `GET /audit/verify` (AuditVerifyResult in the contract). */
export interface ChainVerification {
  valid: boolean;
  checked: number;
  head: ChainHead | null;
  firstInvalidSeq?: number;
  reason?: string;
  checkpoint: { seq: number; hash: string; time: string } | null;
}

const HASH_BYTES = 32;
const OWN_FIELDS = new Set(['hash', 'canonical']);
const CONTENT = new Set<string>(CONTENT_FIELDS);

/** Structural equality of JSON values (object key order does not matter; -0 equals 0 as in JSON). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  let count = 0;
  for (const key in left) {
    if (!Object.prototype.hasOwnProperty.call(left, key)) continue;
    count++;
    if (!Object.prototype.hasOwnProperty.call(right, key) || !jsonEqual(left[key], right[key])) return false;
  }
  for (const key in right) if (Object.prototype.hasOwnProperty.call(right, key)) count--;
  return count === 0;
}

/** A record after its own checks: its stored seq and hash, and what its canonical text says (or why it failed). */
export interface CheckedRecord {
  recordSeq: unknown;
  hash: string;
  error?: string;
  contentSeq?: unknown;
  contentPrevHash?: unknown;
}

/** The checks of one record on its own: its hash, and that its fields are what was hashed. */
export function selfCheck(record: AuditRecordWithCanonical): Pick<CheckedRecord, 'error' | 'contentSeq' | 'contentPrevHash'> {
  if (typeof record.canonical !== 'string') return { error: 'the record has no canonical text' };
  if (typeof record.hash !== 'string' || leafHash(record.canonical) !== record.hash) return { error: 'hash mismatch: the canonical text does not hash to the stored hash' };
  let content: Record<string, unknown>;
  try {
    content = JSON.parse(record.canonical);
  } catch {
    return { error: 'the canonical text is not JSON' };
  }
  if (typeof content !== 'object' || content === null || Array.isArray(content)) return { error: 'the canonical text is not an object' };
  const fields = record as unknown as Record<string, unknown>;
  for (const key in content) {
    if (!CONTENT.has(key)) return { error: `the canonical text has an unexpected field '${key}'` };
    if (!jsonEqual(content[key], fields[key])) return { error: `field '${key}' does not match the hashed canonical text` };
  }
  for (const key in fields) {
    if (!OWN_FIELDS.has(key) && !(key in content)) return { error: `field '${key}' is not covered by the hash` };
  }
  return { contentSeq: content.seq, contentPrevHash: content.prevHash };
}

/**
 * Verifies a chain streamed in ascending `seq`, from the stored canonical text: it never
 * re-serialises a record, it hashes the text that was hashed on write and parses it to check that
 * the fields a reader sees are the fields that were hashed. Then `finish()` checks the signed
 * checkpoints, which is what catches a deleted tail and a chain rewritten with recomputed hashes.
 */
export class ChainVerifier {
  private expectedSeq: number;
  private prevHash: string;
  private hashes = Buffer.alloc(HASH_BYTES * 1024);
  private readonly startSeq: number;
  checked = 0;
  failure?: ChainFailure;
  /** The newest record seen (also past a failure): the head the result reports. */
  head: ChainHead | null = null;
  /** The newest record that passed every check. */
  intact: ChainHead | null = null;

  /**
   * @param start where the stream begins: genesis by default, or a record already trusted
   *   (the checkpointer verifies only what was written since the previous checkpoint).
   * @param extraCheck a further per-record check (the service checks each record's seal).
   */
  constructor(
    start: ChainHead = { seq: 0, hash: GENESIS_HASH },
    private readonly extraCheck?: (record: AuditRecordWithCanonical) => string | undefined,
  ) {
    this.expectedSeq = start.seq + 1;
    this.prevHash = start.hash;
    this.startSeq = start.seq;
    if (start.seq > 0) this.intact = { ...start };
  }

  /** Checks the next record; returns false once the chain is broken (later records are only counted as head). */
  push(record: AuditRecordWithCanonical): boolean {
    const own = selfCheck(record);
    return this.accept({ recordSeq: record.seq, hash: record.hash, ...own }, record);
  }

  /** The same, for a record whose own checks ran elsewhere (the export verifier's worker threads). */
  pushChecked(entry: CheckedRecord): boolean {
    return this.accept(entry);
  }

  private accept(entry: CheckedRecord, record?: AuditRecordWithCanonical): boolean {
    const seq = typeof entry.recordSeq === 'number' ? entry.recordSeq : this.expectedSeq;
    this.head = { seq, hash: entry.hash };
    if (this.failure) return false;
    this.checked++;
    const reason = entry.error ?? this.linkCheck(entry.contentSeq, entry.contentPrevHash) ?? (record && this.extraCheck?.(record));
    if (reason) {
      this.failure = { seq: typeof entry.recordSeq === 'number' && entry.recordSeq < this.expectedSeq ? entry.recordSeq : this.expectedSeq, reason };
      return false;
    }
    this.remember(seq, entry.hash);
    this.expectedSeq++;
    this.prevHash = entry.hash;
    this.intact = { seq, hash: entry.hash };
    return true;
  }

  /** Records a failure found outside a record (an unreadable line, say) at the next expected seq. */
  fail(reason: string): void {
    this.failure ??= { seq: this.expectedSeq, reason };
  }

  private linkCheck(seq: unknown, prevHash: unknown): string | undefined {
    if (seq !== this.expectedSeq) {
      return typeof seq === 'number' && seq > this.expectedSeq
        ? `seq gap: expected ${this.expectedSeq}, found ${seq} (a record is missing)`
        : `seq out of order: expected ${this.expectedSeq}, found ${String(seq)}`;
    }
    if (prevHash !== this.prevHash) {
      return this.expectedSeq === 1 ? 'the first record does not link to the genesis hash' : `prevHash does not match the hash of record ${this.expectedSeq - 1}`;
    }
    return undefined;
  }

  private remember(seq: number, hash: string): void {
    const offset = (seq - this.startSeq - 1) * HASH_BYTES;
    if (offset + HASH_BYTES > this.hashes.length) {
      const grown = Buffer.alloc(Math.max(this.hashes.length * 2, offset + HASH_BYTES));
      this.hashes.copy(grown);
      this.hashes = grown;
    }
    this.hashes.write(hash, offset, HASH_BYTES, 'hex');
  }

  /** The hash of an intact record at `seq`, if the stream reached it. */
  hashAt(seq: number): string | undefined {
    if (!this.intact || seq > this.intact.seq || seq <= this.startSeq) return undefined;
    const offset = (seq - this.startSeq - 1) * HASH_BYTES;
    return this.hashes.toString('hex', offset, offset + HASH_BYTES);
  }

  /**
   * Checks the signed checkpoints against the chain and gives the verification result. Each
   * checkpoint must carry a valid signature for `accountId` (when given) by the trusted key its
   * key id names (`keys`: one public key, several, or a keyring of the current and retired keys),
   * and the chain must reach it with the same hash.
   */
  finish(checkpoints: AuditCheckpoint[], keys: KeyObject | readonly KeyObject[] | CheckpointKeyring | undefined, accountId?: string): ChainVerification {
    const failures: ChainFailure[] = this.failure ? [this.failure] : [];
    const keyring = CheckpointKeyring.of(keys);
    const account = accountId ?? checkpoints[0]?.accountId;
    let anchor: AuditCheckpoint | undefined;
    for (const checkpoint of [...checkpoints].sort((a, b) => a.seq - b.seq)) {
      if (checkpoint.seq <= this.startSeq) continue;
      if (checkpoint.accountId !== account) {
        failures.push({ seq: checkpoint.seq, reason: `checkpoint at seq ${checkpoint.seq} belongs to another account` });
        continue;
      }
      const unverified = keyring.failure(checkpoint);
      if (unverified) {
        failures.push({ seq: checkpoint.seq, reason: unverified });
        continue;
      }
      const reached = this.intact?.seq ?? 0;
      if (checkpoint.seq > reached) {
        if (!this.failure) {
          failures.push({
            seq: reached + 1,
            reason: `the chain ends at seq ${reached} but a signed checkpoint covers seq ${checkpoint.seq}: records were removed`,
          });
        }
        continue;
      }
      if (this.hashAt(checkpoint.seq) !== checkpoint.hash) {
        failures.push({ seq: checkpoint.seq, reason: `record ${checkpoint.seq} does not match the signed checkpoint: the chain was rewritten` });
        continue;
      }
      anchor = checkpoint;
    }
    const first = failures.sort((a, b) => a.seq - b.seq)[0];
    const result: ChainVerification = {
      valid: !first,
      checked: this.checked,
      head: this.head,
      checkpoint: anchor ? { seq: anchor.seq, hash: anchor.hash, time: anchor.time } : null,
    };
    if (first) Object.assign(result, { firstInvalidSeq: first.seq, reason: first.reason });
    return result;
  }
}
