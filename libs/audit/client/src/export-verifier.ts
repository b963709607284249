import { createReadStream, statSync } from 'node:fs';
import type { KeyObject } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { ChainVerifier, selfCheck, type ChainVerification, type CheckedRecord } from './chain-verifier';
import type { AuditRecordWithCanonical } from './chain';
import type { AuditCheckpoint } from './checkpoint';

export interface ExportVerification extends ChainVerification {
  /** 0 valid and anchored; 1 invalid; 2 valid but (part of) the chain is not anchored by a checkpoint. */
  exitCode: 0 | 1 | 2;
  /** How many records at the head come after the newest valid checkpoint. */
  unanchored: number;
  lines: number;
}

export interface ExportVerifyOptions {
  publicKey?: KeyObject;
  /** Called now and then with the bytes read so far. */
  onProgress?: (bytesRead: number) => void;
  /**
   * Worker threads that parse and hash lines while this thread checks the links in order; 1 does
   * everything on this thread. Default: the machine's parallelism, at most 4.
   */
  threads?: number;
}

type WorkerEntry = ({ kind: 'record' } & CheckedRecord) | { kind: 'checkpoint'; checkpoint: AuditCheckpoint } | { kind: 'bad' } | { kind: 'unknown' };

const WORKER_FILE = join(__dirname, 'verify-worker.mjs');
const BLOCK_BYTES = 1 << 21;

export function defaultVerifyThreads(): number {
  return Math.min(4, availableParallelism());
}

/** Applies entries to the chain in file order; shared by the one-thread and the worker-thread paths. */
class ExportState {
  readonly verifier = new ChainVerifier();
  readonly checkpoints: AuditCheckpoint[] = [];
  lines = 0;

  apply(entry: WorkerEntry): void {
    this.lines++;
    if (entry.kind === 'record') {
      if (this.checkpoints.length > 0) this.verifier.fail(`line ${this.lines}: a record after the checkpoints`);
      this.verifier.pushChecked(entry);
    } else if (entry.kind === 'checkpoint') {
      this.checkpoints.push(entry.checkpoint);
    } else if (entry.kind === 'bad') {
      this.verifier.fail(`line ${this.lines} is not valid JSON`);
    } else {
      this.verifier.fail(`line ${this.lines} is neither a record nor a checkpoint`);
    }
  }

  result(publicKey: KeyObject | undefined): ExportVerification {
    const result = this.verifier.finish(this.checkpoints, publicKey);
    const headSeq = result.head?.seq ?? 0;
    const unanchored = headSeq - (result.checkpoint?.seq ?? 0);
    const exitCode = !result.valid ? 1 : unanchored > 0 || !result.checkpoint ? 2 : 0;
    return { ...result, exitCode, unanchored, lines: this.lines };
  }
}

/** Blocks of whole lines go to worker threads round-robin; results are applied strictly in block order. */
async function verifyWithWorkers(source: AsyncIterable<Buffer>, threads: number, options: ExportVerifyOptions): Promise<ExportVerification> {
  const state = new ExportState();
  const workers = Array.from({ length: threads }, () => new Worker(WORKER_FILE));
  const waiting = new Map<number, { resolve: (entries: WorkerEntry[]) => void; reject: (error: Error) => void }>();
  for (const worker of workers) {
    worker.on('message', ({ id, entries }: { id: number; entries: WorkerEntry[] }) => {
      waiting.get(id)?.resolve(entries);
      waiting.delete(id);
    });
    worker.on('error', (error) => {
      for (const waiter of waiting.values()) waiter.reject(error);
      waiting.clear();
    });
  }
  const pending: Promise<WorkerEntry[]>[] = [];
  let nextId = 0;
  const send = (block: Buffer) => {
    const id = nextId++;
    const copy = block.buffer.slice(block.byteOffset, block.byteOffset + block.length) as ArrayBuffer;
    pending.push(new Promise((resolve, reject) => waiting.set(id, { resolve, reject })));
    workers[id % threads].postMessage({ id, buffer: copy }, [copy]);
  };
  const drain = async (keep: number) => {
    while (pending.length > keep) for (const entry of await (pending.shift() as Promise<WorkerEntry[]>)) state.apply(entry);
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
          send(joined.subarray(0, cut + 1));
          parts = cut + 1 < joined.length ? [joined.subarray(cut + 1)] : [];
          size = joined.length - cut - 1;
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
  return state.result(options.publicKey);
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
 * signed checkpoints. Needs only the audit public key.
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
    } else {
      state.apply({ kind: 'unknown' });
    }
  }
  options.onProgress?.(bytes);
  return state.result(options.publicKey);
}

export async function verifyExportFile(path: string, options: ExportVerifyOptions = {}): Promise<ExportVerification> {
  return verifyExportStream(createReadStream(path, { highWaterMark: 1 << 20 }), options);
}

export function fileSize(path: string): number {
  return statSync(path).size;
}
