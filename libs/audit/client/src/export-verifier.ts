import { createReadStream, statSync } from 'node:fs';
import type { KeyObject } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { ChainVerifier, selfCheck, type ChainFailure, type ChainVerification, type CheckedRecord } from './chain-verifier';
import type { AuditRecordWithCanonical } from './chain';
import { CheckpointKeyring, auditLogOrigin, type AuditCheckpoint } from './checkpoint';
import { ExportTree, type SubtreeHash } from './export-tree';
import * as transparency from './transparency';

/** A witness cosignature line of an export (`GET /audit/checkpoints/latest` lists the same lines). */
export interface ExportCosignature {
  treeSize: number;
  /** The signature line, `— <witness name> <base64>`. */
  cosignature: string;
  [field: string]: unknown;
}

export interface ExportVerification extends ChainVerification {
  /** 0 valid and anchored; 1 invalid; 2 valid but (part of) the chain is not anchored by a checkpoint. */
  exitCode: 0 | 1 | 2;
  /** How many records at the head come after the newest valid checkpoint. */
  unanchored: number;
  lines: number;
  /** The signed tree notes whose root the records were rebuilt to (each checkpoint's, under the key its key id names), and the largest. */
  tree: { checkpoints: number; size: number | null };
  /** The key ids the file's checkpoints name. */
  keyIds: string[];
  /**
   * Witness cosignatures: `verified` under a witness key the operator gave; `unverifiable` ones
   * (no such witness key given, or of a tree size without a checkpoint in the file) are listed
   * by witness and neither count for nor against the file. A cosignature that does not verify
   * under the given key makes the file invalid.
   */
  cosignatures: { verified: number; unverifiable: number; witnesses: { name: string; noteKeyId: string; verified: number; unverifiable: number }[] };
}

export interface ExportVerifyOptions {
  /** The operator's checkpoint public keys (the current one and any it replaced), never the file's. */
  publicKey?: KeyObject | readonly KeyObject[] | CheckpointKeyring;
  /** Witness verifier keys (cosignature/v1, type 0x04) whose cosignatures must verify. */
  witnessKeys?: readonly transparency.VerifierKey[];
  /** Called now and then with the bytes read so far. */
  onProgress?: (bytesRead: number) => void;
  /**
   * Worker threads that parse and hash lines while this thread checks the links in order; 1 does
   * everything on this thread. Default: the machine's parallelism, at most 4.
   */
  threads?: number;
}

type WorkerEntry =
  | ({ kind: 'record' } & CheckedRecord)
  | { kind: 'checkpoint'; checkpoint: AuditCheckpoint }
  | { kind: 'cosignature'; cosignature: ExportCosignature }
  | { kind: 'bad' }
  | { kind: 'unknown' };

/** The tree hashes of one block of lines: its records' complete subtrees, placed as if its first record were leaf `start`. */
type BlockTree = { start: number; count: number; nodes: SubtreeHash[] } | null;

// Beside this file in the sources; in a production bundle (WARDEN_BUNDLED, tools/build/build-apps.mjs)
// __dirname is dist/apps/<app>, where the build copies the worker.
const WORKER_FILE = join(__dirname, 'verify-worker.mjs');
const BLOCK_BYTES = 1 << 21;

export function defaultVerifyThreads(): number {
  return Math.min(4, availableParallelism());
}

const SIGNATURE_LINE = /^\u2014 (\S+) (\S+)$/u;

/** Applies entries to the chain in file order; shared by the one-thread and the worker-thread paths. */
class ExportState {
  readonly verifier = new ChainVerifier();
  readonly checkpoints: AuditCheckpoint[] = [];
  readonly cosignatures: ExportCosignature[] = [];
  readonly tree = new ExportTree((index) => {
    const hash = this.verifier.hashAt(index + 1);
    return hash === undefined ? undefined : Buffer.from(hash, 'hex');
  });
  lines = 0;
  records = 0;

  apply(entry: WorkerEntry): void {
    this.lines++;
    if (entry.kind === 'record') {
      this.records++;
      if (this.checkpoints.length > 0 || this.cosignatures.length > 0) this.verifier.fail(`line ${this.lines}: a record after the checkpoints`);
      this.verifier.pushChecked(entry);
    } else if (entry.kind === 'checkpoint') {
      if (this.cosignatures.length > 0) this.verifier.fail(`line ${this.lines}: a checkpoint after the cosignatures`);
      this.checkpoints.push(entry.checkpoint);
    } else if (entry.kind === 'cosignature') {
      this.cosignatures.push(entry.cosignature);
    } else if (entry.kind === 'bad') {
      this.verifier.fail(`line ${this.lines} is not valid JSON`);
    } else {
      this.verifier.fail(`line ${this.lines} is neither a record, a checkpoint nor a cosignature`);
    }
  }

  /** A block's subtrees, kept only when the block starts where the records before it end. */
  applyBlockTree(tree: BlockTree, recordsBefore: number): void {
    if (!tree || tree.start !== recordsBefore || tree.count !== this.records - recordsBefore) return;
    for (const node of tree.nodes) this.tree.add(node.level, node.index, node.hash);
  }

  result(options: Pick<ExportVerifyOptions, 'publicKey' | 'witnessKeys'>): ExportVerification {
    const keyring = CheckpointKeyring.of(options.publicKey);
    const result = this.verifier.finish(this.checkpoints, keyring);
    const failures: ChainFailure[] = result.valid ? [] : [{ seq: result.firstInvalidSeq as number, reason: result.reason as string }];
    const notes = this.checkTrees(keyring, failures);
    const cosignatures = this.checkCosignatures(notes, options.witnessKeys ?? [], failures);
    const first = failures.sort((a, b) => a.seq - b.seq)[0];
    if (first) Object.assign(result, { valid: false, firstInvalidSeq: first.seq, reason: first.reason });
    if (!result.valid) result.checkpoint = result.checkpoint && result.checkpoint.seq < (result.firstInvalidSeq ?? Infinity) ? result.checkpoint : null;
    const headSeq = result.head?.seq ?? 0;
    const unanchored = headSeq - (result.checkpoint?.seq ?? 0);
    const exitCode = !result.valid ? 1 : unanchored > 0 || !result.checkpoint ? 2 : 0;
    const treeSizes = [...notes.keys()];
    return {
      ...result,
      exitCode,
      unanchored,
      lines: this.lines,
      tree: { checkpoints: notes.size, size: treeSizes.length > 0 ? Math.max(...treeSizes) : null },
      keyIds: [...new Set(this.checkpoints.map((checkpoint) => String(checkpoint.keyId)))],
      cosignatures,
    };
  }

  /**
   * Each tree checkpoint whose signature holds and whose records are intact: its note verifies
   * under the key its key id names, says the checkpoint's size and root, and the records up to it
   * give that root. Roots of every checkpoint from one leaf set also prove each later tree
   * extends the earlier ones. Returns the verified note texts by tree size.
   */
  private checkTrees(keyring: CheckpointKeyring, failures: ChainFailure[]): Map<number, string> {
    const notes = new Map<number, string>();
    const reached = this.verifier.intact?.seq ?? 0;
    for (const checkpoint of [...this.checkpoints].sort((a, b) => a.seq - b.seq)) {
      if (checkpoint.note === undefined && checkpoint.treeSize === undefined && checkpoint.rootHash === undefined) continue;
      if (keyring.check(checkpoint) || checkpoint.seq > reached || typeof checkpoint.accountId !== 'string') continue;
      const fail = (why: string) => failures.push({ seq: checkpoint.seq, reason: `the checkpoint at seq ${checkpoint.seq} ${why}` });
      const origin = auditLogOrigin(checkpoint.accountId);
      const key = keyring.noteVerifierKey(checkpoint.keyId, origin);
      let opened: transparency.Checkpoint;
      try {
        opened = transparency.openCheckpoint(String(checkpoint.note), key ? [key] : [], { origin }).checkpoint;
      } catch (error) {
        fail(`has a tree note that does not verify under its key ${String(checkpoint.keyId)} (${(error as Error).message})`);
        continue;
      }
      if (opened.size !== checkpoint.seq || checkpoint.treeSize !== checkpoint.seq || opened.rootHash.toString('base64') !== checkpoint.rootHash) {
        fail('does not say what its signed note says (tree size or root hash)');
        continue;
      }
      if (!this.tree.root(opened.size).equals(opened.rootHash)) {
        fail(`has a signed tree root that the records up to seq ${checkpoint.seq} do not give`);
        continue;
      }
      notes.set(opened.size, transparency.parseNote(String(checkpoint.note)).text);
    }
    return notes;
  }

  private checkCosignatures(notes: Map<number, string>, witnessKeys: readonly transparency.VerifierKey[], failures: ChainFailure[]): ExportVerification['cosignatures'] {
    const witnesses = new Map<string, { name: string; noteKeyId: string; verified: number; unverifiable: number }>();
    let verified = 0;
    let unverifiable = 0;
    for (const entry of this.cosignatures) {
      const line = SIGNATURE_LINE.exec(String(entry.cosignature));
      const value = line ? Buffer.from(line[2], 'base64') : Buffer.alloc(0);
      if (!line || value.length < 4 + 8 + 64) {
        failures.push({ seq: Number(entry.treeSize) || 1, reason: `a cosignature line of tree size ${String(entry.treeSize)} is malformed` });
        continue;
      }
      const signature: transparency.NoteSignature = { name: line[1], keyId: value.readUInt32BE(0), signature: Buffer.from(value.subarray(4)) };
      const noteKeyId = signature.keyId.toString(16).padStart(8, '0');
      const tally = witnesses.get(`${signature.name}+${noteKeyId}`) ?? { name: signature.name, noteKeyId, verified: 0, unverifiable: 0 };
      witnesses.set(`${signature.name}+${noteKeyId}`, tally);
      const key = witnessKeys.find((candidate) => candidate.name === signature.name && candidate.keyId === signature.keyId);
      const text = notes.get(entry.treeSize);
      if (!key || text === undefined) {
        unverifiable++;
        tally.unverifiable++;
      } else if (transparency.verifyCosignature(text, signature, key)) {
        verified++;
        tally.verified++;
      } else {
        failures.push({ seq: entry.treeSize, reason: `the cosignature of the checkpoint at seq ${entry.treeSize} by witness ${signature.name} does not verify under its key: it is forged or altered` });
      }
    }
    return { verified, unverifiable, witnesses: [...witnesses.values()] };
  }
}

/** Blocks of whole lines go to worker threads round-robin; results are applied strictly in block order. */
async function verifyWithWorkers(source: AsyncIterable<Buffer>, threads: number, options: ExportVerifyOptions): Promise<ExportVerification> {
  const state = new ExportState();
  const workers = Array.from({ length: threads }, () => new Worker(WORKER_FILE));
  const waiting = new Map<number, { resolve: (block: { entries: WorkerEntry[]; tree: BlockTree }) => void; reject: (error: Error) => void }>();
  for (const worker of workers) {
    worker.on('message', ({ id, entries, tree }: { id: number; entries: WorkerEntry[]; tree: BlockTree }) => {
      waiting.get(id)?.resolve({ entries, tree });
      waiting.delete(id);
    });
    worker.on('error', (error) => {
      for (const waiter of waiting.values()) waiter.reject(error);
      waiting.clear();
    });
  }
  const pending: Promise<{ entries: WorkerEntry[]; tree: BlockTree }>[] = [];
  let nextId = 0;
  /** Hands the first `length` bytes of `block` to the next worker: its memory moves when the block owns it whole, else a copy does. */
  const send = (block: Buffer, length = block.length) => {
    const id = nextId++;
    const owned = block.byteOffset === 0 && block.buffer.byteLength === block.length;
    const buffer = (owned ? block.buffer : block.buffer.slice(block.byteOffset, block.byteOffset + length)) as ArrayBuffer;
    pending.push(new Promise((resolve, reject) => waiting.set(id, { resolve, reject })));
    workers[id % threads].postMessage({ id, buffer, length }, [buffer]);
  };
  const drain = async (keep: number) => {
    while (pending.length > keep) {
      const { entries, tree } = await (pending.shift() as Promise<{ entries: WorkerEntry[]; tree: BlockTree }>);
      const before = state.records;
      for (const entry of entries) state.apply(entry);
      state.applyBlockTree(tree, before);
    }
  };
  let bytes = 0;
  let reported = 0;
  try {
    let parts: Buffer[] = [];
    let size = 0;
    for await (const chunk of source) {
      bytes += chunk.length;
      parts.push(chunk);
      size += chunk.length;
      if (size >= BLOCK_BYTES) {
        const joined = Buffer.concat(parts, size);
        const cut = joined.lastIndexOf(NEWLINE);
        if (cut >= 0) {
          // The partial line after the cut is copied out first: the block's memory moves to the worker.
          const rest = cut + 1 < joined.length ? Buffer.from(joined.subarray(cut + 1)) : undefined;
          send(joined, cut + 1);
          parts = rest ? [rest] : [];
          size = rest?.length ?? 0;
        } else {
          parts = [joined];
        }
        await drain(threads * 2);
      }
      if (options.onProgress && bytes - reported >= 1 << 20) {
        reported = bytes;
        options.onProgress(bytes);
      }
    }
    if (size > 0) send(Buffer.concat(parts, size));
    await drain(0);
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
  options.onProgress?.(bytes);
  return state.result(options);
}

const NEWLINE = 0x0a;

/** Splits a byte stream into lines without decoding across chunk boundaries (0x0A never occurs inside a UTF-8 sequence). */
async function* lines(source: AsyncIterable<Buffer>, onBytes: (n: number) => void): AsyncGenerator<string> {
  let carry: Buffer | undefined;
  for await (const chunk of source) {
    onBytes(chunk.length);
    const buffer = carry ? Buffer.concat([carry, chunk]) : chunk;
    let start = 0;
    let end = buffer.indexOf(NEWLINE, start);
    while (end !== -1) {
      if (end > start) yield buffer.toString('utf8', start, end);
      start = end + 1;
      end = buffer.indexOf(NEWLINE, start);
    }
    carry = start < buffer.length ? buffer.subarray(start) : undefined;
  }
  if (carry && carry.length > 0) yield carry.toString('utf8');
}

/**
 * Verifies an NDJSON export (`GET /audit/export`) offline: record lines in ascending seq, then the
 * signed checkpoints, then witness cosignatures. Each record is checked (hash, fields, link), the
 * Merkle tree is rebuilt from the records and held against every signed tree note, each checkpoint
 * under the operator's key its key id names, and cosignatures under the operator's witness keys.
 * Needs only those public keys: none is taken from the file.
 */
export async function verifyExportStream(source: AsyncIterable<Buffer>, options: ExportVerifyOptions = {}): Promise<ExportVerification> {
  const threads = options.threads ?? defaultVerifyThreads();
  if (threads > 1) return verifyWithWorkers(source, threads, options);
  const state = new ExportState();
  let bytes = 0;
  let reported = 0;
  const onBytes = (n: number) => {
    bytes += n;
    if (options.onProgress && bytes - reported >= 1 << 20) {
      reported = bytes;
      options.onProgress(bytes);
    }
  };
  for await (const line of lines(source, onBytes)) {
    let parsed: any;
    try {
      parsed = JSON.parse(line);
    } catch {
      state.apply({ kind: 'bad' });
      continue;
    }
    if (parsed?.kind === 'record' && parsed.record && typeof parsed.record === 'object') {
      const record = parsed.record as AuditRecordWithCanonical;
      state.apply({ kind: 'record', recordSeq: record.seq, hash: record.hash, ...selfCheck(record) });
    } else if (parsed?.kind === 'checkpoint' && parsed.checkpoint && typeof parsed.checkpoint === 'object') {
      state.apply({ kind: 'checkpoint', checkpoint: parsed.checkpoint });
    } else if (parsed?.kind === 'cosignature' && parsed.cosignature && typeof parsed.cosignature === 'object') {
      state.apply({ kind: 'cosignature', cosignature: parsed.cosignature });
    } else {
      state.apply({ kind: 'unknown' });
    }
  }
  options.onProgress?.(bytes);
  return state.result(options);
}

export async function verifyExportFile(path: string, options: ExportVerifyOptions = {}): Promise<ExportVerification> {
  return verifyExportStream(createReadStream(path, { highWaterMark: 1 << 20 }), options);
}

export function fileSize(path: string): number {
  return statSync(path).size;
}
