import { CompactRange, nodeHash } from './transparency';

/** Complete subtrees from this level up are kept (every 64 leaves); lower ones are recomputed from the leaves when a root needs them. */
export const KEPT_LEVEL = 6;

/** A complete subtree `(level, index)` covering leaves `[index·2^level, (index+1)·2^level)`. */
export interface SubtreeHash {
  level: number;
  index: number;
  hash: Uint8Array;
}

/**
 * The Merkle tree (RFC 9162) of an export's records, rebuilt while the file streams: the worker
 * threads hash the complete subtrees inside each block of lines (`add`), and a root of any size
 * is the compact range of that size (`CompactRange.fromNodes`) over the kept subtrees, any missing
 * one (across two blocks, or below `KEPT_LEVEL`) computed from its children down to the leaves.
 * One pass of hashing overall, most of it off the main thread, and roots at as many checkpoint
 * sizes as the file holds.
 */
export class ExportTree {
  private readonly kept: Map<number, Buffer>[] = [];

  /** @param leaf the leaf hash at `index` (the hash of the record with seq index + 1), if the chain reached it intact. */
  constructor(private readonly leaf: (index: number) => Buffer | undefined) {}

  add(level: number, index: number, hash: Uint8Array): void {
    if (level < KEPT_LEVEL) return;
    (this.kept[level] ??= new Map()).set(index, Buffer.from(hash.buffer, hash.byteOffset, hash.byteLength));
  }

  node(level: number, index: number): Buffer {
    if (level === 0) {
      const leaf = this.leaf(index);
      if (!leaf) throw new Error(`leaf ${index} is not an intact record`);
      return leaf;
    }
    const known = this.kept[level]?.get(index);
    if (known) return known;
    const hash = nodeHash(this.node(level - 1, 2 * index), this.node(level - 1, 2 * index + 1));
    if (level >= KEPT_LEVEL) (this.kept[level] ??= new Map()).set(index, hash);
    return hash;
  }

  /** MTH of the first `size` leaves. */
  root(size: number): Buffer {
    return CompactRange.fromNodes(size, (level, index) => this.node(level, index)).root();
  }
}
