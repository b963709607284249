import { createHash, createPublicKey, type KeyObject } from 'node:crypto';

/**
 * Note keys (https://c2sp.org/signed-note): key names, key ids and the verifier key ("vkey")
 * text form `<name>+<hex key id>+<base64(signature type || public key)>`.
 */

/** Signature type 0x01: Ed25519 over the note text (c2sp.org/signed-note). */
export const SIGNATURE_TYPE_ED25519 = 0x01;
/** Signature type 0x04: timestamped Ed25519 cosignature/v1 (c2sp.org/tlog-cosignature). */
export const SIGNATURE_TYPE_COSIGNATURE_V1 = 0x04;
export type SignatureType = typeof SIGNATURE_TYPE_ED25519 | typeof SIGNATURE_TYPE_COSIGNATURE_V1;

const ED25519_PUBLIC_KEY_BYTES = 32;

/** A known public key: what a verifier is configured with, and what a vkey string carries. */
export interface VerifierKey {
  name: string;
  /** uint32: the first 4 bytes of SHA-256(name || 0x0A || type || raw public key), big-endian. */
  keyId: number;
  type: SignatureType;
  publicKey: KeyObject;
}

/** A key name: non-empty, no Unicode white space, no `+` (nor control characters or lone surrogates, which no note may hold). */
export function isValidKeyName(name: unknown): name is string {
  return typeof name === 'string' && name.length > 0 && !/[\p{White_Space}+\p{Cc}\p{Cs}]/u.test(name);
}

export function requireKeyName(name: string): void {
  if (!isValidKeyName(name)) throw new Error(`invalid note key name ${JSON.stringify(name)}: it must be non-empty, without spaces or '+'`);
}

export function requireEd25519(key: KeyObject, type: 'public' | 'private'): void {
  if (key?.asymmetricKeyType !== 'ed25519') throw new Error('note keys must be Ed25519 keys');
  if (type === 'private' && key.type !== 'private') throw new Error('signing needs an Ed25519 private key');
}

/** The 32-byte RFC 8032 encoding of an Ed25519 public key (a private key gives its public half). */
export function rawEd25519PublicKey(key: KeyObject): Buffer {
  requireEd25519(key, 'public');
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  const { x } = publicKey.export({ format: 'jwk' });
  return Buffer.from(x as string, 'base64url');
}

/** An Ed25519 public KeyObject from its 32-byte RFC 8032 encoding. */
export function ed25519PublicKeyFromRaw(raw: Buffer): KeyObject {
  if (!Buffer.isBuffer(raw) || raw.length !== ED25519_PUBLIC_KEY_BYTES) throw new Error(`an Ed25519 public key is ${ED25519_PUBLIC_KEY_BYTES} bytes`);
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
}

/** `SHA-256(name || 0x0A || type || public key)[:4]` as a big-endian uint32 (the recommended key id). */
export function noteKeyId(name: string, type: number, rawPublicKey: Buffer): number {
  return createHash('sha256').update(name, 'utf8').update(Buffer.from([0x0a, type])).update(rawPublicKey).digest().readUInt32BE(0);
}

/** The verifier key of an Ed25519 key under `name`, for plain note signatures (0x01) or cosignatures (0x04). */
export function verifierKey(name: string, key: KeyObject, type: SignatureType = SIGNATURE_TYPE_ED25519): VerifierKey {
  requireKeyName(name);
  if (type !== SIGNATURE_TYPE_ED25519 && type !== SIGNATURE_TYPE_COSIGNATURE_V1) throw new Error(`unsupported note signature type ${type}`);
  const raw = rawEd25519PublicKey(key);
  return { name, keyId: noteKeyId(name, type, raw), type, publicKey: ed25519PublicKeyFromRaw(raw) };
}

export function formatKeyId(keyId: number): string {
  return keyId.toString(16).padStart(8, '0');
}

/** Strict standard base64 (RFC 4648 §4): padded, and the canonical encoding of what it decodes to. */
export function decodeBase64Strict(text: string): Buffer | undefined {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : undefined;
}

/** `<name>+<8 hex digits key id>+<base64(type || 32-byte public key)>`. */
export function formatVerifierKey(key: VerifierKey): string {
  const raw = rawEd25519PublicKey(key.publicKey);
  const keyId = noteKeyId(key.name, key.type, raw);
  if (keyId !== key.keyId) throw new Error('the verifier key id does not match its name, type and public key');
  requireKeyName(key.name);
  return `${key.name}+${formatKeyId(keyId)}+${Buffer.concat([Buffer.from([key.type]), raw]).toString('base64')}`;
}

/**
 * Parses a vkey string. Strict: a valid name, exactly 8 hex digits, canonical base64 of a
 * supported type byte (0x01 or 0x04) and a 32-byte key, and a key id that matches the key.
 */
export function parseVerifierKey(vkey: string): VerifierKey {
  const parts = typeof vkey === 'string' ? vkey.split('+') : [];
  // A name has no '+', and neither has the id; the base64 part may contain '+'.
  if (parts.length < 3) throw new Error('malformed verifier key');
  const [name, id] = parts;
  const encoded = decodeBase64Strict(parts.slice(2).join('+'));
  if (!isValidKeyName(name) || !/^[0-9a-fA-F]{8}$/.test(id) || !encoded || encoded.length !== 1 + ED25519_PUBLIC_KEY_BYTES) {
    throw new Error('malformed verifier key');
  }
  const type = encoded[0];
  if (type !== SIGNATURE_TYPE_ED25519 && type !== SIGNATURE_TYPE_COSIGNATURE_V1) throw new Error(`unsupported verifier key type ${type}`);
  const raw = encoded.subarray(1);
  const keyId = parseInt(id, 16);
  if (keyId !== noteKeyId(name, type, raw)) throw new Error('verifier key id does not match the key');
  return { name, keyId, type, publicKey: ed25519PublicKeyFromRaw(raw) };
}
