import { sign, verify, type KeyObject } from 'node:crypto';
import { verifyCosignature } from './cosignature';
import {
  decodeBase64Strict,
  formatKeyId,
  isValidKeyName,
  noteKeyId,
  rawEd25519PublicKey,
  requireEd25519,
  requireKeyName,
  SIGNATURE_TYPE_COSIGNATURE_V1,
  SIGNATURE_TYPE_ED25519,
  type VerifierKey,
} from './keys';

/**
 * Signed notes (https://c2sp.org/signed-note): a text ending in a newline, a blank line, and one
 * or more lines `— <key name> <base64(uint32 key id || signature)>`.
 */

/** One signature line of a note. */
export interface NoteSignature {
  name: string;
  /** uint32, the first four bytes of the decoded line. */
  keyId: number;
  /** The bytes after the key id (for a cosignature: timestamp and signature). */
  signature: Buffer;
}

export interface Note {
  /** The signed text, final newline included, separating blank line excluded. */
  text: string;
  signatures: NoteSignature[];
}

/** A signature by a known key that verified; `timestamp` is set for cosignatures. */
export interface VerifiedSignature extends NoteSignature {
  key: VerifierKey;
  timestamp?: number;
}

export interface OpenedNote {
  text: string;
  verified: VerifiedSignature[];
  /** Signatures by keys not in the known list (ignored, as the spec requires), without repeats. */
  unverified: NoteSignature[];
}

export type NoteErrorCode = 'malformed' | 'invalid-signature' | 'unverified' | 'missing-signature' | 'ambiguous-key' | 'wrong-origin';

/** Why a note was refused. `malformed`: not a well-formed note; the rest: what verification found. */
export class NoteError extends Error {
  constructor(
    readonly code: NoteErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'NoteError';
  }
}

/** More signatures than any real note carries are refused before verifying any (the spec asks for at least 16). */
export const MAX_NOTE_SIGNATURES = 100;

const SIGNATURE_PREFIX = '\u2014 ';
const KEY_ID_BYTES = 4;
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function malformed(why: string): NoteError {
  return new NoteError('malformed', `malformed note: ${why}`);
}

/** No ASCII control character but newline, and no lone surrogate (a string that is not valid UTF-8). */
function checkCharacters(text: string, what: string): void {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 && code !== 0x0a) throw malformed(`${what} contains a control character`);
  }
  if (/\p{Cs}/u.test(text)) throw malformed(`${what} is not valid UTF-8`);
}

function keyOf(name: string, keyId: number): string {
  return `${name}+${formatKeyId(keyId)}`;
}

/** The line `— <name> <base64(key id || signature)>` without its newline. */
export function formatSignatureLine(signature: NoteSignature): string {
  const { name, keyId, signature: value } = signature;
  if (!isValidKeyName(name)) throw malformed(`invalid key name ${JSON.stringify(name)}`);
  if (!Number.isInteger(keyId) || keyId < 0 || keyId > 0xffffffff) throw malformed('a key id is a uint32');
  if (!Buffer.isBuffer(value) || value.length === 0) throw malformed('empty signature');
  const id = Buffer.alloc(KEY_ID_BYTES);
  id.writeUInt32BE(keyId);
  return `${SIGNATURE_PREFIX}${name} ${Buffer.concat([id, value]).toString('base64')}`;
}

/** The note as text: its text, a blank line, one line per signature (at least one). */
export function formatNote(note: Note): string {
  const { text, signatures } = note;
  if (typeof text !== 'string' || !text.endsWith('\n')) throw malformed('the text must end with a newline');
  checkCharacters(text, 'the text');
  if (signatures.length === 0) throw malformed('a note has at least one signature');
  if (signatures.length > MAX_NOTE_SIGNATURES) throw malformed('too many signatures');
  return `${text}\n${signatures.map((signature) => `${formatSignatureLine(signature)}\n`).join('')}`;
}

/**
 * Parses a note without verifying it. Strict: valid UTF-8 without control characters but newline,
 * a blank line before the signature block, every line of that block a well-formed signature line
 * (valid name, canonical base64 of more than four bytes), and at most `MAX_NOTE_SIGNATURES` lines.
 * Throws `NoteError` with code `malformed` otherwise.
 */
export function parseNote(message: string | Buffer): Note {
  let text: string;
  if (Buffer.isBuffer(message)) {
    try {
      text = UTF8.decode(message);
    } catch {
      throw malformed('not valid UTF-8');
    }
  } else if (typeof message === 'string') {
    text = message;
  } else {
    throw malformed('not text');
  }
  checkCharacters(text, 'the note');
  const split = text.lastIndexOf('\n\n');
  if (split < 0) throw malformed('no blank line before the signatures');
  const body = text.slice(0, split + 1);
  const block = text.slice(split + 2);
  if (block.length === 0 || !block.endsWith('\n')) throw malformed('the signature block must be non-empty and end with a newline');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_NOTE_SIGNATURES) throw malformed('too many signatures');
  const signatures = lines.map((line): NoteSignature => {
    if (!line.startsWith(SIGNATURE_PREFIX)) throw malformed('a signature line must start with an em dash and a space');
    const rest = line.slice(SIGNATURE_PREFIX.length);
    const space = rest.indexOf(' ');
    const name = space < 0 ? rest : rest.slice(0, space);
    const bytes = space < 0 ? undefined : decodeBase64Strict(rest.slice(space + 1));
    if (!isValidKeyName(name) || !bytes || bytes.length <= KEY_ID_BYTES) throw malformed('invalid signature line');
    return { name, keyId: bytes.readUInt32BE(0), signature: Buffer.from(bytes.subarray(KEY_ID_BYTES)) };
  });
  return { text: body, signatures };
}

/** An Ed25519 (type 0x01) note signature of `text` by `privateKey` under key name `name`. */
export function signNote(text: string, name: string, privateKey: KeyObject): NoteSignature {
  requireKeyName(name);
  requireEd25519(privateKey, 'private');
  if (typeof text !== 'string' || !text.endsWith('\n')) throw malformed('the text must end with a newline');
  checkCharacters(text, 'the text');
  const keyId = noteKeyId(name, SIGNATURE_TYPE_ED25519, rawEd25519PublicKey(privateKey));
  return { name, keyId, signature: sign(null, Buffer.from(text, 'utf8'), privateKey) };
}

/**
 * Adds signatures to a signed note (e.g. a witness's cosignature to a checkpoint); a signature by
 * the same name and key id as a new one is replaced. The text is not re-verified.
 */
export function addSignatures(message: string | Buffer, ...signatures: NoteSignature[]): string {
  const note = parseNote(message);
  const added = new Set(signatures.map((signature) => keyOf(signature.name, signature.keyId)));
  const kept = note.signatures.filter((signature) => !added.has(keyOf(signature.name, signature.keyId)));
  return formatNote({ text: note.text, signatures: [...kept, ...signatures] });
}

/** Whether `signature` is valid for `text` under `key` (which must carry the same name and key id). */
export function verifyNoteSignature(text: string, signature: NoteSignature, key: VerifierKey): boolean {
  if (signature.name !== key.name || signature.keyId !== key.keyId) return false;
  if (key.type === SIGNATURE_TYPE_COSIGNATURE_V1) return verifyCosignature(text, signature, key);
  if (key.type !== SIGNATURE_TYPE_ED25519 || signature.signature.length !== 64) return false;
  try {
    return verify(null, Buffer.from(text, 'utf8'), key.publicKey, signature.signature);
  } catch {
    return false;
  }
}

export interface OpenNoteOptions {
  /** Keys that must each have a verified signature on the note (by default: any one known key). */
  required?: readonly VerifierKey[];
}

/**
 * Parses and verifies a note against the known keys, as c2sp.org/signed-note asks: signatures by
 * unknown keys (name and key id not both known) are ignored; a signature by a known key must
 * verify, or the whole note is refused; at least one known key must have signed, and each key of
 * `options.required` too. Throws `NoteError`; returns the text and what verified.
 */
export function openNote(message: string | Buffer, known: readonly VerifierKey[], options: OpenNoteOptions = {}): OpenedNote {
  const note = parseNote(message);
  const keys = new Map<string, VerifierKey[]>();
  for (const key of known) {
    const id = keyOf(key.name, key.keyId);
    keys.set(id, [...(keys.get(id) ?? []), key]);
  }
  const verified: VerifiedSignature[] = [];
  const unverified: NoteSignature[] = [];
  const seenLines = new Set<string>();
  const seenKeys = new Set<string>();
  for (const signature of note.signatures) {
    const id = keyOf(signature.name, signature.keyId);
    const candidates = keys.get(id) ?? [];
    if (candidates.length === 0) {
      const line = formatSignatureLine(signature);
      if (!seenLines.has(line)) unverified.push(signature);
      seenLines.add(line);
      continue;
    }
    if (candidates.length > 1) throw new NoteError('ambiguous-key', `ambiguous key ${id}`);
    // A key's repeated signature is checked once, as golang.org/x/mod/sumdb/note does.
    if (seenKeys.has(id)) continue;
    seenKeys.add(id);
    const [key] = candidates;
    if (!verifyNoteSignature(note.text, signature, key)) throw new NoteError('invalid-signature', `invalid signature for key ${id}`);
    const timestamp = key.type === SIGNATURE_TYPE_COSIGNATURE_V1 ? signature.signature.readBigUInt64BE(0) : undefined;
    verified.push({ ...signature, key, ...(timestamp === undefined ? {} : { timestamp: Number(timestamp) }) });
  }
  if (verified.length === 0) throw new NoteError('unverified', 'the note has no signature by a known key');
  for (const key of options.required ?? []) {
    if (!verified.some((signature) => signature.key.name === key.name && signature.key.keyId === key.keyId)) {
      throw new NoteError('missing-signature', `the note is not signed by ${keyOf(key.name, key.keyId)}`);
    }
  }
  return { text: note.text, verified, unverified };
}
