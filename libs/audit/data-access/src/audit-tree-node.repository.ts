import type { Connection, Model } from 'mongoose';
import { transparency } from '@warden/audit-client';
import { isDuplicateKeyError, isOnlyDuplicateKeyErrors } from '@warden/data';
import { auditTreeNodeModel, type AuditTreeNodeDoc } from './audit-tree-node.model';

const idOf = (level: number, index: number) => `${level}/${index}`;

/** Leaf hashes stored as one hex string (32 bytes, 64 hex digits each), back as hashes. */
export const splitLeafHashes = (hex: string): Buffer[] => (hex.match(/.{64}/g) ?? []).map((leaf) => Buffer.from(leaf, 'hex'));
const nodeKey = (accountId: string, level: number, index: number) => `${accountId}/${idOf(level, index)}`;

/**
 * Only complete subtrees of 2^8 = 256 leaves and up are stored (about one node per 256 records):
 * on a store that charges per document written (FerretDB v1 costs as much per node as per record),
 * storing every node doubled the writes of the append path. A node below this level lies inside
 * one block of 256 leaves and is computed from those records' hashes when a proof needs it.
 */
export const STORED_TREE_LEVEL = 8;

/** A stored node's hash differs from the one computed again from the records. */
export class ConflictingTreeNodeError extends Error {
  constructor(
    readonly accountId: string,
    readonly level: number,
    readonly index: number,
  ) {
    super(`tree node ${level}/${index} of account ${accountId} is stored with another hash`);
    this.name = 'ConflictingTreeNodeError';
  }
}

/**
 * The complete subtrees of each account's Merkle tree (`audit_tree_nodes`), insert-only: saving a
 * node that is already stored is a no-op when its hash is the same (several replicas may extend
 * the same tree at once) and an error when it is not.
 */
export class AuditTreeNodeRepository {
  readonly model: Model<AuditTreeNodeDoc>;

  constructor(connection: Connection) {
    this.model = auditTreeNodeModel(connection);
  }

  async init(): Promise<void> {
    await this.model.init();
    await this.model.createIndexes();
  }

  /**
   * Saves the nodes at `STORED_TREE_LEVEL` and above (each once), a block node with the leaf hashes
   * under it when `blockLeaves` has them and they give its hash; throws `ConflictingTreeNodeError`
   * when one is stored with another hash.
   */
  async save(accountId: string, nodes: readonly transparency.TreeNode[], blockLeaves: ReadonlyMap<number, string[]> = new Map()): Promise<void> {
    const stored = nodes.filter((node) => node.level >= STORED_TREE_LEVEL);
    if (stored.length === 0) return;
    const docs = stored.map(({ level, index, hash }) => {
      const leaves = level === STORED_TREE_LEVEL ? blockLeaves.get(index) : undefined;
      const keep = leaves && subtreeHash(leaves.map((leaf) => Buffer.from(leaf, 'hex'))).equals(hash) ? { leaves: leaves.join('') } : {};
      return { accountId, level, index, hash: hash.toString('hex'), node: nodeKey(accountId, level, index), ...keep };
    });
    for (let start = 0; start < docs.length; start += 1_000) {
      const batch = docs.slice(start, start + 1_000);
      try {
        await this.model.collection.insertMany(batch, { ordered: false });
      } catch (error) {
        if (!isDuplicateKeyError(error) || !isOnlyDuplicateKeyErrors(error)) throw error;
        // Someone stored some of them first: they must hold the same hashes.
        const stored = await this.get(accountId, batch);
        for (const doc of batch) {
          const hash = stored.get(idOf(doc.level, doc.index));
          if (!hash) throw error;
          if (hash.toString('hex') !== doc.hash) throw new ConflictingTreeNodeError(accountId, doc.level, doc.index);
        }
      }
    }
  }

  /** The stored hashes of the given nodes, keyed `level/index` (absent ones are missing). */
  async get(accountId: string, ids: readonly transparency.NodeId[]): Promise<Map<string, Buffer>> {
    const found = new Map<string, Buffer>();
    if (ids.length === 0) return found;
    const docs = await Promise.all(
      ids.map(({ level, index }) =>
        this.model.findOne({ node: nodeKey(accountId, level, index) }, { _id: 0, level: 1, index: 1, hash: 1 }).lean<Pick<AuditTreeNodeDoc, 'level' | 'index' | 'hash'>>(),
      ),
    );
    for (const doc of docs) if (doc) found.set(idOf(doc.level, doc.index), Buffer.from(doc.hash, 'hex'));
    return found;
  }

  /** The leaf hashes under block `block` (the node at `STORED_TREE_LEVEL`), when stored with it and they give its hash. */
  async blockLeaves(accountId: string, block: number): Promise<Buffer[] | undefined> {
    const doc = await this.model.findOne({ node: nodeKey(accountId, STORED_TREE_LEVEL, block) }, { _id: 0, hash: 1, leaves: 1 }).lean<Pick<AuditTreeNodeDoc, 'hash' | 'leaves'>>();
    if (!doc?.leaves || doc.leaves.length !== 64 * 2 ** STORED_TREE_LEVEL) return undefined;
    const leaves = splitLeafHashes(doc.leaves);
    return subtreeHash(leaves).toString('hex') === doc.hash ? leaves : undefined;
  }

  /** A `GetNode` over the given nodes, read at once (see `transparency.nodesForInclusionProof` and friends). */
  async lookup(accountId: string, ids: readonly transparency.NodeId[]): Promise<transparency.GetNode> {
    const found = await this.get(accountId, ids);
    return (level, index) => found.get(idOf(level, index));
  }
}

/** The root of a complete subtree over these leaf hashes. */
function subtreeHash(leaves: readonly Buffer[]): Buffer {
  let level = [...leaves];
  while (level.length > 1) level = Array.from({ length: level.length / 2 }, (_, i) => transparency.nodeHash(level[2 * i], level[2 * i + 1]));
  return level[0];
}

