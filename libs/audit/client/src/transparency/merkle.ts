import { createHash } from 'node:crypto';

/**
 * RFC 9162 §2.1 Merkle tree hashing (the same tree as RFC 6962), with SHA-256.
 *
 * Nodes are named by `(level, index)`: level 0 holds the leaves, and node `(level, index)` is the root
 * of the complete subtree over leaves `[index * 2^level, (index + 1) * 2^level)`. Only complete
 * subtrees have a name: they never change once their last leaf is appended, so a store can keep
 * them forever. The hash of an incomplete subtree (the right edge of a tree whose size is not a
 * power of two) is always derived from the complete subtrees it contains.
 *
 * Sizes and indexes are JavaScript numbers (safe integers, so up to 2^53 - 1 leaves); no bitwise
 * operator is used on them, since those truncate to 32 bits.
 */

export const HASH_BYTES = 32;

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

/** The name of a complete subtree: its height above the leaves and its position at that height. */
export interface NodeId {
  level: number;
  index: number;
}

/** A complete subtree and its hash, as a store saves it. */
export interface TreeNode extends NodeId {
  hash: Buffer;
}

/**
 * The hash of the complete subtree `(level, index)`, or undefined when the source lacks it (the
 * functions that call it then throw `MissingNodeError`).
 */
export type GetNode = (level: number, index: number) => Buffer | undefined;

/** A `GetNode` source did not hold a node that a computation needed. */
export class MissingNodeError extends Error {
  constructor(
    readonly level: number,
    readonly index: number,
  ) {
    super(`missing Merkle tree node at level ${level}, index ${index}`);
    this.name = 'MissingNodeError';
  }
}

/** MTH({}) = SHA-256 of the empty string: the root of the empty tree. */
export const EMPTY_ROOT: Buffer = createHash('sha256').digest();

/** `SHA-256(0x00 || data)`: the hash of one leaf. */
export function leafHash(data: Buffer): Buffer {
  return createHash('sha256').update(LEAF_PREFIX).update(data).digest();
}

/** `SHA-256(0x01 || left || right)`: the hash of an interior node. */
export function nodeHash(left: Buffer, right: Buffer): Buffer {
  return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
}

/** Whether `n` is a non-negative safe integer (a valid tree size or index). */
export function isTreeCount(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

export function requireTreeCount(n: number, what: string): void {
  if (!isTreeCount(n)) throw new RangeError(`${what} must be a non-negative safe integer, got ${n}`);
}

/** The largest power of two strictly smaller than `n` (n >= 2): the split point of RFC 9162 §2.1.1. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** `2^level` for a level small enough to be exact. */
export function pow2(level: number): number {
  return 2 ** level;
}

/** The level of a power of two. */
function log2(n: number): number {
  let level = 0;
  while (pow2(level) < n) level++;
  return level;
}

/** Whether `n` is 1, 2, 4, 8, ... */
export function isPowerOfTwo(n: number): boolean {
  return n >= 1 && pow2(log2(n)) === n;
}

/** Reads a node from `getNode`, throwing `MissingNodeError` when it is absent or not a hash. */
function readNode(getNode: GetNode, level: number, index: number): Buffer {
  const hash = getNode(level, index);
  if (!Buffer.isBuffer(hash) || hash.length !== HASH_BYTES) throw new MissingNodeError(level, index);
  return hash;
}

/**
 * MTH(D[start:end]) as RFC 9162 §2.1.1 computes it inside a larger tree, from complete subtrees
 * only. `start` must be a multiple of the largest power of two not above `end - start`, which
 * holds for every range the RFC's recursion visits (it always splits at a power of two).
 */
export function rangeHash(start: number, end: number, getNode: GetNode): Buffer {
  const size = end - start;
  if (size <= 0) throw new RangeError(`empty range [${start}, ${end})`);
  if (isPowerOfTwo(size) && start % size === 0) {
    const level = log2(size);
    return readNode(getNode, level, start / size);
  }
  const k = splitPoint(size);
  return nodeHash(rangeHash(start, start + k, getNode), rangeHash(start + k, end, getNode));
}

/** The root hash of the tree of size `treeSize` (any size the store has reached), from stored complete subtrees. */
export function rootFromNodes(treeSize: number, getNode: GetNode): Buffer {
  requireTreeCount(treeSize, 'treeSize');
  return treeSize === 0 ? Buffer.from(EMPTY_ROOT) : rangeHash(0, treeSize, getNode);
}

/** MTH(D[n]) straight from the leaf hashes, by the recursive definition of RFC 9162 §2.1.1 (for tests and small trees). */
export function rootFromLeaves(leafHashes: readonly Buffer[]): Buffer {
  const mth = (start: number, end: number): Buffer => {
    if (end - start === 1) return leafHashes[start];
    const k = splitPoint(end - start);
    return nodeHash(mth(start, start + k), mth(start + k, end));
  };
  return leafHashes.length === 0 ? Buffer.from(EMPTY_ROOT) : mth(0, leafHashes.length);
}

/**
 * Every complete subtree of a tree of the given leaf hashes, as a `GetNode` (memoised): what a
 * store would hold after appending them. For tests and small in-memory trees.
 */
export function nodesFromLeaves(leafHashes: readonly Buffer[]): GetNode {
  const memo = new Map<string, Buffer>();
  const get: GetNode = (level, index) => {
    if (!isTreeCount(level) || !isTreeCount(index)) return undefined;
    const width = pow2(level);
    if ((index + 1) * width > leafHashes.length) return undefined;
    if (level === 0) return leafHashes[index];
    const key = `${level}/${index}`;
    let hash = memo.get(key);
    if (!hash) {
      hash = nodeHash(get(level - 1, 2 * index) as Buffer, get(level - 1, 2 * index + 1) as Buffer);
      memo.set(key, hash);
    }
    return hash;
  };
  return get;
}

/**
 * The complete subtrees that a computation reads, in the order it reads them (duplicates removed):
 * run it against a recording source. A store calls this first, fetches those nodes in one query,
 * and then runs the computation against what it fetched.
 */
export function nodesRead(compute: (getNode: GetNode) => unknown): NodeId[] {
  const seen = new Set<string>();
  const ids: NodeId[] = [];
  const placeholder = Buffer.alloc(HASH_BYTES);
  compute((level, index) => {
    const key = `${level}/${index}`;
    if (!seen.has(key)) {
      seen.add(key);
      ids.push({ level, index });
    }
    return placeholder;
  });
  return ids;
}

/** The complete subtrees `rootFromNodes(treeSize, ...)` reads. */
export function nodesForRoot(treeSize: number): NodeId[] {
  return nodesRead((getNode) => rootFromNodes(treeSize, getNode));
}
