import { auditLogOrigin, publicKeyPem, transparency, type AuditCheckpoint, type CheckpointSigner } from '@warden/audit-client';
import { STORED_TREE_LEVEL, type AuditCheckpointRepository, type AuditCosignatureDoc, type AuditRecordRepository, type AuditTreeNodeRepository } from '@warden/audit-data-access';

export interface TransparencyDeps {
  records: AuditRecordRepository;
  checkpoints: AuditCheckpointRepository;
  tree: AuditTreeNodeRepository;
  signer: CheckpointSigner;
}

/** A signed tree head as the API shows it. Hashes of the tree are base64, as in the note. */
export interface TreeCheckpointView {
  origin: string;
  treeSize: number;
  rootHash: string;
  note: string;
  keyId: string;
  time: string;
  /** The chain head at the same size (`seq` = `treeSize`). */
  hash: string;
  /** Witness cosignature lines (oldest first); `note` does not carry them. */
  cosignatures: string[];
}

export interface InclusionProofView {
  seq: number;
  leafIndex: number;
  treeSize: number;
  leafHash: string;
  proof: string[];
  rootHash: string;
}

export interface ConsistencyProofView {
  from: number;
  to: number;
  proof: string[];
  fromRoot: string;
  toRoot: string;
}

/** A request the signed tree cannot answer (`outside`: beyond the latest signed tree, 404; `invalid`: contradictory parameters, 400). */
export class ProofRequestError extends Error {
  constructor(
    readonly kind: 'outside' | 'invalid',
    message: string,
    readonly path?: string,
  ) {
    super(message);
    this.name = 'ProofRequestError';
  }
}

/** The stored checkpoint does not verify under the key its key id names (or names no trusted key): nothing is served from it (409). */
export class UntrustedCheckpointError extends Error {
  constructor(readonly reason: string) {
    super(`The stored ${reason}: it is not served.`);
    this.name = 'UntrustedCheckpointError';
  }
}

/** The stored signed tree, verified under the key its key id names (the current key or a retired one). */
export function trustedTree<T extends AuditCheckpoint>(signer: CheckpointSigner, checkpoint: T): T {
  const origin = auditLogOrigin(checkpoint.accountId);
  const unverified = signer.keyring.failure(checkpoint);
  if (unverified) throw new UntrustedCheckpointError(unverified);
  const key = signer.keyring.noteVerifierKey(checkpoint.keyId, origin);
  try {
    const opened = transparency.openCheckpoint(checkpoint.note ?? '', key ? [key] : [], { origin }).checkpoint;
    if (opened.size !== checkpoint.treeSize || opened.rootHash.toString('base64') !== checkpoint.rootHash) throw new Error('it does not say what the note signs');
  } catch (error) {
    throw new UntrustedCheckpointError(`checkpoint at seq ${checkpoint.seq} has a note that does not verify (${(error as Error).message})`);
  }
  return checkpoint;
}

const b64 = (hash: Buffer) => hash.toString('base64');

export function toTreeCheckpointView(checkpoint: AuditCheckpoint, cosignatures: readonly string[] = []): TreeCheckpointView {
  return {
    origin: auditLogOrigin(checkpoint.accountId),
    treeSize: checkpoint.treeSize as number,
    rootHash: checkpoint.rootHash as string,
    note: checkpoint.note as string,
    keyId: checkpoint.keyId,
    time: checkpoint.time,
    hash: checkpoint.hash,
    cosignatures: [...cosignatures],
  };
}

/** The account's newest checkpoint that carries a signed tree, or null. */
export async function latestTreeCheckpoint({ checkpoints, signer }: Pick<TransparencyDeps, 'checkpoints' | 'signer'>, accountId: string): Promise<TreeCheckpointView | null> {
  const latest = await checkpoints.latestTree(accountId);
  if (!latest) return null;
  trustedTree(signer, latest);
  const cosignatures = await checkpoints.cosignatures(accountId, latest.treeSize as number);
  return toTreeCheckpointView(latest, cosignatures.map((cosignature) => cosignature.cosignature));
}

/** A witness's cosignature as the API shows it. */
export interface CosignatureView {
  origin: string;
  treeSize: number;
  witness: string;
  name: string;
  noteKeyId: string;
  timestamp: string;
  cosignature: string;
  createdAt: string;
}

/** Why a cosignature was refused (`invalid`: 400 on `path`; `not-found`: no checkpoint of that size, 404). */
export class CosignatureError extends Error {
  constructor(
    readonly kind: 'invalid' | 'not-found',
    message: string,
    readonly path?: string,
  ) {
    super(message);
    this.name = 'CosignatureError';
  }
}

/** A key id, a uint64 timestamp and an Ed25519 signature. */
const COSIGNATURE_VALUE_BYTES = 4 + 8 + 64;
/** How far ahead of the log's clock a witness's timestamp may be. */
const MAX_CLOCK_AHEAD_SECONDS = 600;
const SIGNATURE_LINE = /^\u2014 (\S+) (\S+)$/u;

export function toCosignatureView(doc: AuditCosignatureDoc): CosignatureView {
  const [name, noteKeyId] = doc.witnessKeyId.split('+');
  return {
    origin: auditLogOrigin(doc.accountId),
    treeSize: doc.treeSize,
    witness: doc.witness,
    name,
    noteKeyId,
    timestamp: new Date(doc.timestamp * 1000).toISOString(),
    cosignature: doc.cosignature,
    createdAt: new Date(doc.createdAt).toISOString(),
  };
}

/**
 * Verifies a witness's cosignature/v1 of the account's checkpoint of size `treeSize` under the
 * witness's verifier key and stores it once per witness key: `created: false` with the stored one
 * when that key had already cosigned this checkpoint. Throws `CosignatureError`.
 */
export async function addCosignature(
  { checkpoints, signer }: Pick<TransparencyDeps, 'checkpoints' | 'signer'>,
  accountId: string,
  treeSize: number,
  input: { cosignature: string; witness: string },
  now: Date = new Date(),
): Promise<{ created: boolean; cosignature: CosignatureView }> {
  let key: transparency.VerifierKey;
  try {
    key = transparency.parseVerifierKey(input.witness);
  } catch (error) {
    throw new CosignatureError('invalid', `The witness key is not a verifier key: ${(error as Error).message}.`, 'body.witness');
  }
  if (key.type !== transparency.SIGNATURE_TYPE_COSIGNATURE_V1) {
    throw new CosignatureError('invalid', 'The witness key must be a cosignature/v1 key (type 0x04).', 'body.witness');
  }
  const line = SIGNATURE_LINE.exec(input.cosignature);
  if (line && line[1] !== key.name) throw new CosignatureError('invalid', `The cosignature line names ${line[1]}, not the witness key ${key.name}.`, 'body.cosignature');
  const encoded = line ? line[2] : input.cosignature;
  const value = Buffer.from(encoded, 'base64');
  if (value.toString('base64') !== encoded || value.length !== COSIGNATURE_VALUE_BYTES) {
    throw new CosignatureError('invalid', `A cosignature/v1 value is the base64 of ${COSIGNATURE_VALUE_BYTES} bytes (key id, timestamp, Ed25519 signature).`, 'body.cosignature');
  }
  const signature: transparency.NoteSignature = { name: key.name, keyId: value.readUInt32BE(0), signature: Buffer.from(value.subarray(4)) };
  if (signature.keyId !== key.keyId) throw new CosignatureError('invalid', 'The cosignature carries another key id than the witness key.', 'body.cosignature');

  const checkpoint = await checkpoints.treeOfSize(accountId, treeSize);
  if (!checkpoint?.note) throw new CosignatureError('not-found', `No signed checkpoint of this account has size ${treeSize}.`);
  // Only a checkpoint that verifies under the key its key id names is cosigned.
  trustedTree(signer, checkpoint);
  const { text } = transparency.parseNote(checkpoint.note);
  if (!transparency.verifyCosignature(text, signature, key)) {
    throw new CosignatureError('invalid', `The cosignature does not verify over the checkpoint of size ${treeSize} under the witness key.`, 'body.cosignature');
  }
  const timestamp = transparency.cosignatureTimestamp(signature) as number;
  if (timestamp > Math.floor(now.getTime() / 1000) + MAX_CLOCK_AHEAD_SECONDS) {
    throw new CosignatureError('invalid', 'The cosignature is dated in the future.', 'body.cosignature');
  }
  const { inserted, stored } = await checkpoints.insertCosignature({
    accountId,
    treeSize,
    witnessKeyId: `${key.name}+${key.keyId.toString(16).padStart(8, '0')}`,
    witness: transparency.formatVerifierKey(key),
    cosignature: transparency.formatSignatureLine(signature),
    timestamp,
    createdAt: now,
  });
  return { created: inserted, cosignature: toCosignatureView(stored) };
}

/** The size of the latest signed tree, once it verifies under its key (proofs are only given up to a trusted tree). */
async function signedSize(deps: TransparencyDeps, accountId: string): Promise<number> {
  const latest = await deps.checkpoints.latestTree(accountId);
  return latest ? (trustedTree(deps.signer, latest).treeSize ?? 0) : 0;
}

/** Leaves of one block: the subtrees below `STORED_TREE_LEVEL` lie inside one such block. */
const BLOCK_LEAVES = 2 ** STORED_TREE_LEVEL;

/**
 * A `GetNode` over `ids`: the stored complete subtrees from `STORED_TREE_LEVEL` up, and the ones
 * below it computed from the leaf hashes of the 256-leaf blocks they lie in: stored with a
 * complete block's node, else read from the block's records (up to the first one missing).
 */
async function lookupNodes(
  deps: Pick<TransparencyDeps, 'tree' | 'records' | 'checkpoints'>,
  accountId: string,
  ids: readonly transparency.NodeId[],
  sizes: readonly number[],
): Promise<transparency.GetNode> {
  const stored = await deps.tree.lookup(accountId, ids.filter((id) => id.level >= STORED_TREE_LEVEL));
  const tails = await tailBlocks(deps, accountId, sizes);
  const blocks = new Set(ids.filter((id) => id.level < STORED_TREE_LEVEL).map(({ level, index }) => Math.floor((index * 2 ** level) / BLOCK_LEAVES)));
  const computed = new Map<string, Buffer>();
  for (const block of blocks) {
    const first = block * BLOCK_LEAVES;
    let nodes: Buffer[] = tails.get(block) ?? (await deps.tree.blockLeaves(accountId, block)) ?? [];
    if (nodes.length === 0) {
      for (const record of await deps.records.hashesBetween(accountId, first + 1, first + BLOCK_LEAVES)) {
        if (record.seq !== first + nodes.length + 1) break;
        nodes.push(Buffer.from(record.hash, 'hex'));
      }
    }
    for (let level = 0; level < STORED_TREE_LEVEL && nodes.length > 0; level++) {
      const offset = first / 2 ** level;
      nodes.forEach((hash, i) => computed.set(`${level}/${offset + i}`, hash));
      nodes = Array.from({ length: Math.floor(nodes.length / 2) }, (_, i) => transparency.nodeHash(nodes[2 * i], nodes[2 * i + 1]));
    }
  }
  return (level, index) => (level >= STORED_TREE_LEVEL ? stored(level, index) : computed.get(`${level}/${index}`));
}

/**
 * The leaves of the incomplete last block of each signed tree size, stored with its checkpoint
 * (a proof against a tree that size reads its last block there, not from the records).
 */
async function tailBlocks(deps: Pick<TransparencyDeps, 'checkpoints'>, accountId: string, sizes: readonly number[]): Promise<Map<number, Buffer[]>> {
  const tails = new Map<number, Buffer[]>();
  for (const size of new Set(sizes)) {
    if (size % BLOCK_LEAVES === 0) continue;
    const leaves = await deps.checkpoints.tailOf(accountId, size);
    if (leaves?.length === size % BLOCK_LEAVES) tails.set(Math.floor(size / BLOCK_LEAVES), leaves);
  }
  return tails;
}

/**
 * The inclusion proof of record `seq` (leaf `seq - 1`) in the tree of size `treeSize` (the latest
 * signed tree by default). Any size up to the latest signed one can be asked for: the stored
 * complete subtrees cover every size up to it.
 */
export async function inclusionProofOf(deps: TransparencyDeps, accountId: string, seq: number, treeSize?: number): Promise<InclusionProofView> {
  const latest = await signedSize(deps, accountId);
  const size = treeSize ?? latest;
  if (treeSize !== undefined && seq > treeSize) throw new ProofRequestError('invalid', `seq ${seq} is beyond treeSize ${treeSize}`, 'query.seq');
  if (size === 0 || size > latest) throw new ProofRequestError('outside', `No signed tree of this account has size ${size}.`);
  if (seq > size) throw new ProofRequestError('outside', `Record ${seq} is not in the latest signed tree (size ${size}).`);
  const index = seq - 1;
  const getNode = await lookupNodes(deps, accountId, [...transparency.nodesForInclusionProof(index, size), ...transparency.nodesForRoot(size), { level: 0, index }], [size]);
  const leaf = getNode(0, index);
  if (!leaf) throw new transparency.MissingNodeError(0, index);
  return {
    seq,
    leafIndex: index,
    treeSize: size,
    leafHash: b64(leaf),
    proof: transparency.inclusionProof(index, size, getNode).map(b64),
    rootHash: b64(transparency.rootFromNodes(size, getNode)),
  };
}

/** The consistency proof from the tree of size `from` to the tree of size `to` (the latest signed tree by default). */
export async function consistencyProofOf(deps: TransparencyDeps, accountId: string, from: number, to?: number): Promise<ConsistencyProofView> {
  const latest = await signedSize(deps, accountId);
  const size = to ?? latest;
  if (to !== undefined && from > to) throw new ProofRequestError('invalid', `from ${from} is larger than to ${to}`, 'query.from');
  if (size === 0 || size > latest) throw new ProofRequestError('outside', `No signed tree of this account has size ${size}.`);
  if (from > size) throw new ProofRequestError('outside', `The latest signed tree (size ${size}) is smaller than ${from}.`);
  const getNode = await lookupNodes(deps, accountId, [
    ...transparency.nodesForConsistencyProof(from, size),
    ...transparency.nodesForRoot(from),
    ...transparency.nodesForRoot(size),
  ], [from, size]);
  return {
    from,
    to: size,
    proof: transparency.consistencyProof(from, size, getNode).map(b64),
    fromRoot: b64(transparency.rootFromNodes(from, getNode)),
    toRoot: b64(transparency.rootFromNodes(size, getNode)),
  };
}

export interface CheckpointKeyView {
  keyId: string;
  algorithm: 'Ed25519';
  /** The note key name (the account's log origin). */
  name: string;
  /** The C2SP note key id, 8 hex digits. */
  noteKeyId: string;
  /** `<name>+<note key id>+<base64(0x01 || public key)>`. */
  verifierKey: string;
  publicKey: string;
  /** When the key started signing: its first signed tree of this account, else when it replaced the key before it; null when neither is known. */
  validFrom: string | null;
  /** When it was retired; null while it is the signing key. */
  validUntil: string | null;
}

/** The keys that verify the account's checkpoints: the signing key first, then the retired keys it replaced, newest first. */
export async function checkpointKeys({ checkpoints, signer }: Pick<TransparencyDeps, 'checkpoints' | 'signer'>, accountId: string): Promise<CheckpointKeyView[]> {
  const name = auditLogOrigin(accountId);
  return Promise.all(
    signer.keyring.keys.map(async (trusted) => {
      const key = transparency.verifierKey(name, trusted.publicKey);
      const first = await checkpoints.firstTree(accountId, trusted.keyId);
      return {
        keyId: trusted.keyId,
        algorithm: 'Ed25519' as const,
        name,
        noteKeyId: key.keyId.toString(16).padStart(8, '0'),
        verifierKey: transparency.formatVerifierKey(key),
        publicKey: publicKeyPem(trusted.publicKey),
        validFrom: first?.time ?? trusted.validFrom,
        validUntil: trusted.validUntil,
      };
    }),
  );
}
