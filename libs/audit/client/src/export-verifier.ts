import { createReadStream, statSync } from 'node:fs';
import type { KeyObject } from 'node:crypto';
import { ChainVerifier, type ChainVerification } from './chain-verifier';
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
  const verifier = new ChainVerifier();
  const checkpoints: AuditCheckpoint[] = [];
  let count = 0;
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
    count++;
    let parsed: any;
    try {
      parsed = JSON.parse(line);
    } catch {
      verifier.fail(`line ${count} is not valid JSON`);
      continue;
    }
    if (parsed?.kind === 'record' && parsed.record && typeof parsed.record === 'object') {
      if (checkpoints.length > 0) verifier.fail(`line ${count}: a record after the checkpoints`);
      verifier.push(parsed.record);
    } else if (parsed?.kind === 'checkpoint' && parsed.checkpoint && typeof parsed.checkpoint === 'object') {
      checkpoints.push(parsed.checkpoint);
    } else {
      verifier.fail(`line ${count} is neither a record nor a checkpoint`);
    }
  }
  options.onProgress?.(bytes);
  const result = verifier.finish(checkpoints, options.publicKey);
  const headSeq = result.head?.seq ?? 0;
  const unanchored = headSeq - (result.checkpoint?.seq ?? 0);
  const exitCode = !result.valid ? 1 : unanchored > 0 || !result.checkpoint ? 2 : 0;
  return { ...result, exitCode, unanchored, lines: count };
}

export async function verifyExportFile(path: string, options: ExportVerifyOptions = {}): Promise<ExportVerification> {
  return verifyExportStream(createReadStream(path, { highWaterMark: 1 << 20 }), options);
}

export function fileSize(path: string): number {
  return statSync(path).size;
}
