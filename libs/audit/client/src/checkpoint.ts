import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { Schemas } from '@warden/contracts-api';
import { signCheckpoint, type Checkpoint as TreeCheckpoint } from './transparency/checkpoint';
import { verifierKey, type VerifierKey } from './transparency/keys';

export type AuditCheckpoint = Schemas['AuditCheckpoint'];
/** What a checkpoint signs: the chain head of one account at one instant. */
export type CheckpointStatement = Pick<AuditCheckpoint, 'accountId' | 'seq' | 'hash' | 'time'>;

function isPem(text: string): boolean {
  return text.trimStart().startsWith('-----BEGIN');
}

function requireEd25519(key: KeyObject, what: string): KeyObject {
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`${what} must be an Ed25519 key`);
  return key;
}

/** An Ed25519 private key from PEM or from base64 PKCS#8 DER (what fits in one env variable). */
export function loadSigningKey(text: string): KeyObject {
  const key = isPem(text)
    ? createPrivateKey({ key: text, format: 'pem' })
    : createPrivateKey({ key: Buffer.from(text.trim(), 'base64'), format: 'der', type: 'pkcs8' });
  return requireEd25519(key, 'the audit signing key');
}

/** An Ed25519 public key from PEM or base64 SPKI DER; a private key (PEM or base64 PKCS#8) is accepted too (its public half is used). */
export function loadPublicKey(text: string): KeyObject {
  const trimmed = text.trim();
  if (isPem(trimmed)) {
    const key = trimmed.includes('PRIVATE KEY') ? createPublicKey(createPrivateKey(trimmed)) : createPublicKey(trimmed);
    return requireEd25519(key, 'the audit public key');
  }
  const der = Buffer.from(trimmed, 'base64');
  let key: KeyObject;
  try {
    key = createPublicKey({ key: der, format: 'der', type: 'spki' });
  } catch {
    key = createPublicKey(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }));
  }
  return requireEd25519(key, 'the audit public key');
}

export function publicKeyPem(key: KeyObject): string {
  return (key.type === 'private' ? createPublicKey(key) : key).export({ format: 'pem', type: 'spki' }).toString();
}

/** The first 16 hex digits of SHA-256 over the SPKI DER: names a key so signers can rotate. */
export function keyIdOf(key: KeyObject): string {
  const der = (key.type === 'private' ? createPublicKey(key) : key).export({ format: 'der', type: 'spki' });
  return createHash('sha256').update(der).digest('hex').slice(0, 16);
}

/**
 * The origin of an account's verifiable log: the first line of its C2SP checkpoints and the note
 * key name they are signed under.
 */
export function auditLogOrigin(accountId: string): string {
  return `warden.audit/${accountId}`;
}

/** The exact bytes a checkpoint signature covers: RFC 8785 JSON of {accountId, seq, hash, time}. */
export function checkpointMessage(statement: CheckpointStatement): Buffer {
  const { accountId, seq, hash, time } = statement;
  return Buffer.from(canonicalize({ accountId, seq, hash, time }) as string, 'utf8');
}

export class CheckpointSigner {
  readonly publicKey: KeyObject;
  readonly publicKeyPem: string;
  readonly keyId: string;

  constructor(private readonly privateKey: KeyObject) {
    requireEd25519(privateKey, 'the audit signing key');
    this.publicKey = createPublicKey(privateKey);
    this.publicKeyPem = publicKeyPem(this.publicKey);
    this.keyId = keyIdOf(this.publicKey);
  }

  sign(statement: CheckpointStatement): AuditCheckpoint {
    const { accountId, seq, hash, time } = statement;
    const signature = sign(null, checkpointMessage(statement), this.privateKey).toString('base64');
    return { accountId, seq, hash, time, signature, keyId: this.keyId };
  }

  /** The C2SP signed note of a tree head, signed with the same key under note key name `name` (the origin by default). */
  signTreeHead(tree: TreeCheckpoint, name = tree.origin): string {
    return signCheckpoint(tree, name, this.privateKey);
  }

  /** The note verifier key of this key under `name` (`formatVerifierKey` gives its text form). */
  noteVerifierKey(name: string): VerifierKey {
    return verifierKey(name, this.publicKey);
  }
}

/** Whether `checkpoint` carries a valid signature by `publicKey` (and names that key). */
export function verifyCheckpoint(checkpoint: AuditCheckpoint, publicKey: KeyObject, keyId = keyIdOf(publicKey)): boolean {
  if (checkpoint.keyId !== keyId || typeof checkpoint.signature !== 'string') return false;
  try {
    return verify(null, checkpointMessage(checkpoint), publicKey, Buffer.from(checkpoint.signature, 'base64'));
  } catch {
    return false;
  }
}
