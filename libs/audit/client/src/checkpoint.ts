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

/** A key that checkpoints are verified with, named by its key id (`keyIdOf`). */
export interface TrustedCheckpointKey {
  keyId: string;
  publicKey: KeyObject;
  /** When it became the signing key (RFC 3339), when known: the retirement of the key before it. */
  validFrom: string | null;
  /** When it was retired (RFC 3339); null while it is the signing key. */
  validUntil: string | null;
}

/**
 * The keys a verifier trusts, by key id: the signing key and the keys it replaced. Each stored
 * checkpoint names the key that signed it (`keyId`), and is verified with that key only: after a
 * rotation the checkpoints of an earlier key still verify under it, new ones under the new key,
 * and a checkpoint naming a key id that is not here is invalid. A retired key's `validUntil` says
 * when it stopped signing; like the key ids in Vault transit or a Sigstore trusted root, it is
 * what a reader is told, not a check (a checkpoint's own time is what its key signed).
 */
export class CheckpointKeyring {
  private readonly byId = new Map<string, TrustedCheckpointKey>();

  constructor(keys: Iterable<TrustedCheckpointKey>) {
    for (const key of keys) {
      requireEd25519(key.publicKey, 'a checkpoint key');
      if (keyIdOf(key.publicKey) !== key.keyId) throw new Error(`key id ${key.keyId} does not name its public key`);
      if (!this.byId.has(key.keyId)) this.byId.set(key.keyId, key);
    }
  }

  /** Trusts these public keys (a bare key, a list, or a keyring as it is), by their key ids. */
  static of(keys: KeyObject | readonly KeyObject[] | CheckpointKeyring | undefined): CheckpointKeyring {
    if (keys instanceof CheckpointKeyring) return keys;
    const list = keys === undefined ? [] : Array.isArray(keys) ? keys : [keys as KeyObject];
    return new CheckpointKeyring(list.map((key) => ({ keyId: keyIdOf(key), publicKey: key.type === 'private' ? createPublicKey(key) : key, validFrom: null, validUntil: null })));
  }

  /** Every key, the signing key first, then the retired ones newest first. */
  get keys(): TrustedCheckpointKey[] {
    return [...this.byId.values()].sort((a, b) => (a.validUntil === null ? -1 : b.validUntil === null ? 1 : b.validUntil.localeCompare(a.validUntil)));
  }

  get size(): number {
    return this.byId.size;
  }

  get(keyId: unknown): TrustedCheckpointKey | undefined {
    return typeof keyId === 'string' ? this.byId.get(keyId) : undefined;
  }

  /** Why `checkpoint` does not verify under the key it names (`'unknown-key'` or `'bad-signature'`), or undefined when it does. */
  check(checkpoint: AuditCheckpoint): 'unknown-key' | 'bad-signature' | undefined {
    const key = this.get(checkpoint.keyId);
    if (!key) return 'unknown-key';
    return verifyCheckpoint(checkpoint, key.publicKey, key.keyId) ? undefined : 'bad-signature';
  }

  /** `check` as a sentence about the checkpoint at `seq`, or undefined. */
  failure(checkpoint: AuditCheckpoint): string | undefined {
    const fault = this.check(checkpoint);
    if (fault === 'unknown-key') return `checkpoint at seq ${checkpoint.seq} is signed by an unknown key (key id ${String(checkpoint.keyId)})`;
    if (fault === 'bad-signature') return `checkpoint at seq ${checkpoint.seq} has an invalid signature`;
    return undefined;
  }

  /** The note verifier key of key `keyId` under note key name `name` (the log's origin), if trusted. */
  noteVerifierKey(keyId: unknown, name: string): VerifierKey | undefined {
    const key = this.get(keyId);
    return key ? verifierKey(name, key.publicKey) : undefined;
  }
}

/**
 * Retired checkpoint keys from one variable (AUDIT_PREVIOUS_PUBLIC_KEYS): comma- or
 * whitespace-separated entries `<base64 SPKI public key>@<RFC 3339 time it was retired>`. A retired
 * key's `validFrom` is the retirement of the key before it (null for the oldest).
 */
export function parsePreviousPublicKeys(text: string | undefined): TrustedCheckpointKey[] {
  const entries = (text ?? '').split(/[\s,]+/).filter(Boolean);
  const parsed = entries.map((entry) => {
    const at = entry.lastIndexOf('@');
    if (at <= 0) throw new Error(`'${entry.slice(0, 16)}…' is not <base64 public key>@<retired at>`);
    const retired = entry.slice(at + 1);
    const time = Date.parse(retired);
    if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/i.test(retired) || Number.isNaN(time)) {
      throw new Error(`the retirement time '${retired}' is not an RFC 3339 date-time`);
    }
    const publicKey = loadPublicKey(entry.slice(0, at));
    return { keyId: keyIdOf(publicKey), publicKey, validUntil: new Date(time).toISOString() };
  });
  parsed.sort((a, b) => a.validUntil.localeCompare(b.validUntil));
  return parsed.map((key, i) => ({ ...key, validFrom: i === 0 ? null : parsed[i - 1].validUntil }));
}

/** One entry of AUDIT_PREVIOUS_PUBLIC_KEYS: the base64 SPKI of `key` retired at `retiredAt`. */
export function formatPreviousPublicKey(key: KeyObject, retiredAt: Date): string {
  const der = (key.type === 'private' ? createPublicKey(key) : key).export({ format: 'der', type: 'spki' });
  return `${der.toString('base64')}@${retiredAt.toISOString()}`;
}

export class CheckpointSigner {
  readonly publicKey: KeyObject;
  readonly publicKeyPem: string;
  readonly keyId: string;
  /** The keys that verify stored checkpoints: this one, and the retired ones it replaced. */
  readonly keyring: CheckpointKeyring;

  /**
   * @param privateKey the signing key.
   * @param previous the keys it replaced (`parsePreviousPublicKeys`): what they signed stays valid.
   */
  constructor(
    private readonly privateKey: KeyObject,
    previous: readonly TrustedCheckpointKey[] = [],
  ) {
    requireEd25519(privateKey, 'the audit signing key');
    this.publicKey = createPublicKey(privateKey);
    this.publicKeyPem = publicKeyPem(this.publicKey);
    this.keyId = keyIdOf(this.publicKey);
    if (previous.some((key) => key.keyId === this.keyId)) throw new Error('the audit signing key is also listed as a previous key');
    const since = previous.reduce<string | null>((latest, key) => (key.validUntil && (!latest || key.validUntil > latest) ? key.validUntil : latest), null);
    this.keyring = new CheckpointKeyring([{ keyId: this.keyId, publicKey: this.publicKey, validFrom: since, validUntil: null }, ...previous]);
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
