import { auditLogOrigin, transparency, type AuditCheckpoint, type CheckpointSigner } from '@warden/audit-client';
import type { AuditCheckpointRepository, AuditRecordRepository, AuditTreeNodeRepository } from '@warden/audit-data-access';

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
  /** Witness cosignatures (none yet). */
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

const b64 = (hash: Buffer) => hash.toString('base64');

export function toTreeCheckpointView(checkpoint: AuditCheckpoint): TreeCheckpointView {
  return {
    origin: auditLogOrigin(checkpoint.accountId),
    treeSize: checkpoint.treeSize as number,
    rootHash: checkpoint.rootHash as string,
    note: checkpoint.note as string,
    keyId: checkpoint.keyId,
    time: checkpoint.time,
    hash: checkpoint.hash,
    cosignatures: [],
  };
}

/** The account's newest checkpoint that carries a signed tree, or null. */
export async function latestTreeCheckpoint({ checkpoints }: Pick<TransparencyDeps, 'checkpoints'>, accountId: string): Promise<TreeCheckpointView | null> {
  const latest = await checkpoints.latestTree(accountId);
  return latest ? toTreeCheckpointView(latest) : null;
}

async function signedSize(deps: TransparencyDeps, accountId: string): Promise<number> {
  return (await deps.checkpoints.latestTree(accountId))?.treeSize ?? 0;
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
  const getNode = await deps.tree.lookup(accountId, [...transparency.nodesForInclusionProof(index, size), ...transparency.nodesForRoot(size), { level: 0, index }]);
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
  const getNode = await deps.tree.lookup(accountId, [
    ...transparency.nodesForConsistencyProof(from, size),
    ...transparency.nodesForRoot(from),
    ...transparency.nodesForRoot(size),
  ]);
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
  /** The time of the first signed tree of this account under this key; null before any. */
  validFrom: string | null;
  /** Null while the key is current. */
  validUntil: string | null;
}

/** The keys that verify the account's checkpoints (one for now). */
export async function checkpointKeys({ checkpoints, signer }: Pick<TransparencyDeps, 'checkpoints' | 'signer'>, accountId: string): Promise<CheckpointKeyView[]> {
  const name = auditLogOrigin(accountId);
  const key = signer.noteVerifierKey(name);
  const first = await checkpoints.firstTree(accountId);
  return [
    {
      keyId: signer.keyId,
      algorithm: 'Ed25519',
      name,
      noteKeyId: key.keyId.toString(16).padStart(8, '0'),
      verifierKey: transparency.formatVerifierKey(key),
      publicKey: signer.publicKeyPem,
      validFrom: first?.time ?? null,
      validUntil: null,
    },
  ];
}
