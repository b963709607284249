import { EMPTY_ROOT, HASH_BYTES, MissingNodeError, nodeHash, pow2, requireTreeCount, type GetNode, type TreeNode } from './merkle';

/** What one append produced: the new range and the complete subtrees the leaf completed (the leaf first, then upwards). */
export interface AppendResult {
  range: CompactRange;
  nodes: TreeNode[];
}

const SIZE_BYTES = 8;

/** The levels of the complete subtrees that make up `[0, size)`, highest (leftmost) first: the set bits of `size`. */
function frontierLevels(size: number): number[] {
  const levels: number[] = [];
  let rest = size;
  for (let level = 0; rest > 0; level++) {
    if (rest % 2 === 1) levels.push(level);
    rest = Math.floor(rest / 2);
  }
  return levels.reverse();
}

/**
 * The compact range `[0, size)` of a log (Trillian and transparency-dev call it a compact range;
 * also a frontier): the roots of the complete subtrees that partition the leaves appended so far,
 * one per set bit of `size`, largest (leftmost) first. It is all a log needs to append in
 * O(log n) and to compute its current root, so a store keeps one per log.
 *
 * Immutable: `append` returns a new range and the nodes to save.
 */
export class CompactRange {
  private constructor(
    /** The number of leaves covered. */
    readonly size: number,
    private readonly hashes: readonly Buffer[],
  ) {}

  /** The range of the empty log. */
  static empty(): CompactRange {
    return new CompactRange(0, []);
  }

  /** The range of size `size` from stored complete subtrees (to rebuild it, or to start from a past size). */
  static fromNodes(size: number, getNode: GetNode): CompactRange {
    requireTreeCount(size, 'size');
    const hashes: Buffer[] = [];
    let start = 0;
    for (const level of frontierLevels(size)) {
      const width = pow2(level);
      const hash = getNode(level, start / width);
      if (!Buffer.isBuffer(hash) || hash.length !== HASH_BYTES) throw new MissingNodeError(level, start / width);
      hashes.push(Buffer.from(hash));
      start += width;
    }
    return new CompactRange(size, hashes);
  }

  /** The range from the nodes `nodes()` listed (e.g. a store's own representation). */
  static fromTreeNodes(size: number, nodes: readonly TreeNode[]): CompactRange {
    const byId = new Map(nodes.map((node) => [`${node.level}/${node.index}`, node.hash]));
    return CompactRange.fromNodes(size, (level, index) => byId.get(`${level}/${index}`));
  }

  /** The range from `serialize()`'s bytes; throws on anything that is not exactly such bytes. */
  static deserialize(bytes: Buffer): CompactRange {
    if (!Buffer.isBuffer(bytes) || bytes.length < SIZE_BYTES || (bytes.length - SIZE_BYTES) % HASH_BYTES !== 0) throw new Error('malformed compact range');
    const size = bytes.readBigUInt64BE(0);
    if (size > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error('malformed compact range: size too large');
    const count = (bytes.length - SIZE_BYTES) / HASH_BYTES;
    if (count !== frontierLevels(Number(size)).length) throw new Error('malformed compact range: node count does not match size');
    const hashes: Buffer[] = [];
    for (let i = 0; i < count; i++) hashes.push(Buffer.from(bytes.subarray(SIZE_BYTES + i * HASH_BYTES, SIZE_BYTES + (i + 1) * HASH_BYTES)));
    return new CompactRange(Number(size), hashes);
  }

  /** `uint64 size (big-endian) || the subtree hashes, leftmost first`: 8 + 32 * popcount(size) bytes. */
  serialize(): Buffer {
    const head = Buffer.alloc(SIZE_BYTES);
    head.writeBigUInt64BE(BigInt(this.size));
    return Buffer.concat([head, ...this.hashes]);
  }

  /** The subtrees of the range with their names, leftmost first. */
  nodes(): TreeNode[] {
    let start = 0;
    return frontierLevels(this.size).map((level, i) => {
      const width = pow2(level);
      const node = { level, index: start / width, hash: Buffer.from(this.hashes[i]) };
      start += width;
      return node;
    });
  }

  /** MTH of the `size` leaves: the subtree roots folded from the right (RFC 9162 §2.1.1). */
  root(): Buffer {
    if (this.hashes.length === 0) return Buffer.from(EMPTY_ROOT);
    let root = this.hashes[this.hashes.length - 1];
    for (let i = this.hashes.length - 2; i >= 0; i--) root = nodeHash(this.hashes[i], root);
    return Buffer.from(root);
  }

  /**
   * Appends leaf `size` (its leaf hash, see `leafHash`). Returns the new range and every complete
   * subtree this leaf completes, bottom up: the leaf itself `(0, size)`, then each parent whose
   * right child it completed. Saving all of them keeps every complete subtree stored, which is
   * all that roots and proofs of any past size need.
   */
  append(leafHash: Buffer): AppendResult {
    if (!Buffer.isBuffer(leafHash) || leafHash.length !== HASH_BYTES) throw new Error(`a leaf hash must be ${HASH_BYTES} bytes`);
    if (this.size >= Number.MAX_SAFE_INTEGER) throw new RangeError('the log is full');
    const hashes = [...this.hashes];
    let hash: Buffer = Buffer.from(leafHash);
    let level = 0;
    let index = this.size;
    const nodes: TreeNode[] = [{ level, index, hash }];
    // A set low bit of the old size is a left sibling of the same height: merge while there is one.
    while (index % 2 === 1) {
      const left = hashes.pop() as Buffer;
      hash = nodeHash(left, hash);
      level++;
      index = Math.floor(index / 2);
      nodes.push({ level, index, hash });
    }
    hashes.push(hash);
    return { range: new CompactRange(this.size + 1, hashes), nodes };
  }

  /** Appends several leaves in order; the nodes of all of them, in the order they were completed. */
  appendAll(leafHashes: Iterable<Buffer>): AppendResult {
    let range = new CompactRange(this.size, this.hashes);
    const nodes: TreeNode[] = [];
    for (const leaf of leafHashes) {
      const step = range.append(leaf);
      range = step.range;
      nodes.push(...step.nodes);
    }
    return { range, nodes };
  }
}
