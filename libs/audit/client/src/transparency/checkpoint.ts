import type { KeyObject } from 'node:crypto';
import { signCosignature } from './cosignature';
import { decodeBase64Strict, type VerifierKey } from './keys';
import { HASH_BYTES } from './merkle';
import { addSignatures, formatNote, NoteError, openNote, parseNote, signNote, type OpenedNote, type OpenNoteOptions } from './note';

/**
 * Checkpoints (https://c2sp.org/tlog-checkpoint): the signed note whose text is
 * `<origin>\n<tree size>\n<base64 root hash>\n` and optional extension lines.
 */

export interface Checkpoint {
  /** The log's identity, e.g. `warden.example/audit/<account>`; non-empty. */
  origin: string;
  size: number;
  rootHash: Buffer;
  /** Opaque non-empty lines after the root hash (NOT RECOMMENDED by the spec; usually none). */
  extensions?: string[];
}

function malformed(why: string): NoteError {
  return new NoteError('malformed', `malformed checkpoint: ${why}`);
}

function checkLine(line: string, what: string): void {
  if (typeof line !== 'string' || line.length === 0 || line.includes('\n')) throw malformed(`${what} must be one non-empty line`);
}

/** The checkpoint's note text (what the log signs and witnesses cosign). */
export function formatCheckpoint(checkpoint: Checkpoint): string {
  const { origin, size, rootHash, extensions = [] } = checkpoint;
  checkLine(origin, 'the origin');
  if (!Number.isSafeInteger(size) || size < 0) throw malformed('the tree size must be a non-negative safe integer');
  if (!Buffer.isBuffer(rootHash) || rootHash.length !== HASH_BYTES) throw malformed(`the root hash must be ${HASH_BYTES} bytes`);
  for (const line of extensions) checkLine(line, 'an extension line');
  return [origin, String(size), rootHash.toString('base64'), ...extensions].map((line) => `${line}\n`).join('');
}

/**
 * Parses a checkpoint's note text. Strict: a non-empty origin, a decimal size without leading
 * zeros (a safe integer), the canonical base64 of a 32-byte hash, non-empty extension lines, and
 * a final newline.
 */
export function parseCheckpoint(text: string): Checkpoint {
  if (typeof text !== 'string' || !text.endsWith('\n')) throw malformed('the text must end with a newline');
  const [origin, sizeLine, rootLine, ...extensions] = text.slice(0, -1).split('\n');
  if (rootLine === undefined) throw malformed('it has fewer than three lines');
  if (origin.length === 0) throw malformed('empty origin');
  if (!/^(0|[1-9][0-9]*)$/.test(sizeLine) || !Number.isSafeInteger(Number(sizeLine))) throw malformed('invalid tree size');
  const rootHash = decodeBase64Strict(rootLine);
  if (!rootHash || rootHash.length !== HASH_BYTES) throw malformed('invalid root hash');
  if (extensions.some((line) => line.length === 0)) throw malformed('empty extension line');
  return { origin, size: Number(sizeLine), rootHash, ...(extensions.length > 0 ? { extensions } : {}) };
}

/** The signed checkpoint note, signed with Ed25519 under key name `name` (which should be the origin). */
export function signCheckpoint(checkpoint: Checkpoint, name: string, privateKey: KeyObject): string {
  const text = formatCheckpoint(checkpoint);
  return formatNote({ text, signatures: [signNote(text, name, privateKey)] });
}

export interface OpenCheckpointOptions extends OpenNoteOptions {
  /** The origin the checkpoint must carry. */
  origin?: string;
}

export interface OpenedCheckpoint extends OpenedNote {
  checkpoint: Checkpoint;
}

/**
 * Verifies a signed checkpoint (see `openNote`: unknown signatures ignored, every known one
 * valid, the required ones present) and parses it. Throws `NoteError`.
 */
export function openCheckpoint(message: string | Buffer, known: readonly VerifierKey[], options: OpenCheckpointOptions = {}): OpenedCheckpoint {
  const opened = openNote(message, known, options);
  const checkpoint = parseCheckpoint(opened.text);
  if (options.origin !== undefined && checkpoint.origin !== options.origin) {
    throw new NoteError('wrong-origin', `checkpoint origin ${JSON.stringify(checkpoint.origin)} is not ${JSON.stringify(options.origin)}`);
  }
  return { ...opened, checkpoint };
}

/**
 * A witness's step after it verified a checkpoint and its consistency with the last one it saw:
 * the signed checkpoint with its cosignature/v1 at `timestamp` added (replacing an older one by the same key).
 */
export function cosignCheckpoint(message: string | Buffer, name: string, privateKey: KeyObject, timestamp: number): string {
  const { text } = parseNote(message);
  parseCheckpoint(text);
  return addSignatures(message, signCosignature(text, name, privateKey, timestamp));
}
