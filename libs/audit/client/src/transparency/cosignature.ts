import { sign, verify, type KeyObject } from 'node:crypto';
import { noteKeyId, rawEd25519PublicKey, requireEd25519, requireKeyName, SIGNATURE_TYPE_COSIGNATURE_V1, type VerifierKey } from './keys';
import type { NoteSignature } from './note';

/**
 * Ed25519 cosignatures (https://c2sp.org/tlog-cosignature, cosignature/v1): a witness's statement
 * that, as of `timestamp`, this is the largest consistent tree head it has seen for the log.
 * The note signature value is `key id (type 0x04) || uint64 timestamp (big-endian) || Ed25519 signature`.
 */

const TIMESTAMP_BYTES = 8;
const ED25519_SIGNATURE_BYTES = 64;
const MAX_TIMESTAMP = 2n ** 63n - 1n;

function requireTimestamp(timestamp: number): void {
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) throw new RangeError(`a cosignature timestamp is a non-negative integer of seconds, got ${timestamp}`);
}

/** The bytes a cosignature/v1 signs: `cosignature/v1\ntime <timestamp>\n` followed by the whole checkpoint text. */
export function cosignatureMessage(checkpointText: string, timestamp: number): Buffer {
  requireTimestamp(timestamp);
  return Buffer.from(`cosignature/v1\ntime ${timestamp}\n${checkpointText}`, 'utf8');
}

/** Cosigns a checkpoint text (the note text, without signature lines) at `timestamp` (POSIX seconds). */
export function signCosignature(checkpointText: string, name: string, privateKey: KeyObject, timestamp: number): NoteSignature {
  requireKeyName(name);
  requireEd25519(privateKey, 'private');
  const stamp = Buffer.alloc(TIMESTAMP_BYTES);
  stamp.writeBigUInt64BE(BigInt(timestamp));
  const signature = sign(null, cosignatureMessage(checkpointText, timestamp), privateKey);
  const keyId = noteKeyId(name, SIGNATURE_TYPE_COSIGNATURE_V1, rawEd25519PublicKey(privateKey));
  return { name, keyId, signature: Buffer.concat([stamp, signature]) };
}

/** The timestamp a cosignature carries, or undefined when the value is not a timestamped Ed25519 signature. */
export function cosignatureTimestamp(signature: Pick<NoteSignature, 'signature'>): number | undefined {
  const value = signature.signature;
  if (!Buffer.isBuffer(value) || value.length !== TIMESTAMP_BYTES + ED25519_SIGNATURE_BYTES) return undefined;
  const timestamp = value.readBigUInt64BE(0);
  if (timestamp > MAX_TIMESTAMP || timestamp > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
  return Number(timestamp);
}

/**
 * Whether `signature` is a valid cosignature of `checkpointText` by `key` (a type 0x04 verifier
 * key whose name and key id the signature line carries).
 */
export function verifyCosignature(checkpointText: string, signature: NoteSignature, key: VerifierKey): boolean {
  if (key.type !== SIGNATURE_TYPE_COSIGNATURE_V1 || signature.name !== key.name || signature.keyId !== key.keyId) return false;
  const timestamp = cosignatureTimestamp(signature);
  if (timestamp === undefined) return false;
  try {
    return verify(null, cosignatureMessage(checkpointText, timestamp), key.publicKey, signature.signature.subarray(TIMESTAMP_BYTES));
  } catch {
    return false;
  }
}
