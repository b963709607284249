import { timingSafeEqual } from 'node:crypto';
import { EMPTY_ROOT, HASH_BYTES, isPowerOfTwo, nodeHash, nodesFromLeaves, nodesRead, rangeHash, requireTreeCount, splitPoint, type GetNode, type NodeId } from './merkle';

/**
 * Inclusion and consistency proofs of RFC 9162 §2.1.3 and §2.1.4: generated from the complete
 * subtrees a store saved (for any tree size up to the current one), and verified from hashes only.
 */

function isHash(value: unknown): value is Buffer {
  return Buffer.isBuffer(value) && value.length === HASH_BYTES;
}

function sameHash(a: Buffer, b: Buffer): boolean {
  return isHash(a) && isHash(b) && timingSafeEqual(a, b);
}

function isOdd(n: number): boolean {
  return n % 2 === 1;
}

function half(n: number): number {
  return Math.floor(n / 2);
}

/**
 * PATH(index, D[treeSize]) of RFC 9162 §2.1.3.1: the audit path of leaf `index` in the tree of
 * size `treeSize`, leaf side first. `getNode` returns the stored complete subtrees; the roots of
 * incomplete subtrees on the path are derived from them.
 */
export function inclusionProof(index: number, treeSize: number, getNode: GetNode): Buffer[] {
  requireTreeCount(index, 'index');
  requireTreeCount(treeSize, 'treeSize');
  if (index >= treeSize) throw new RangeError(`index ${index} is outside a tree of size ${treeSize}`);
  const proof: Buffer[] = [];
  // Walk down from the whole tree; the RFC's recursion appends on the way back up, so collect then reverse.
  let start = 0;
  let end = treeSize;
  let m = index;
  while (end - start > 1) {
    const k = splitPoint(end - start);
    if (m < k) {
      proof.push(rangeHash(start + k, end, getNode));
      end = start + k;
    } else {
      proof.push(rangeHash(start, start + k, getNode));
      start += k;
      m -= k;
    }
  }
  return proof.reverse();
}

/**
 * PROOF(oldSize, D[newSize]) of RFC 9162 §2.1.4.1: the consistency proof from the tree of size
 * `oldSize` to the tree of size `newSize`. Empty when `oldSize` is 0 or equals `newSize`.
 */
export function consistencyProof(oldSize: number, newSize: number, getNode: GetNode): Buffer[] {
  requireTreeCount(oldSize, 'oldSize');
  requireTreeCount(newSize, 'newSize');
  if (oldSize > newSize) throw new RangeError(`oldSize ${oldSize} is larger than newSize ${newSize}`);
  if (oldSize === 0 || oldSize === newSize) return [];
  const proof: Buffer[] = [];
  // SUBPROOF(m, D[start:end], b), unrolled: each step appends one hash after the recursive part.
  let start = 0;
  let end = newSize;
  let m = oldSize;
  let whole = true;
  while (m !== end - start) {
    const k = splitPoint(end - start);
    if (m <= k) {
      proof.push(rangeHash(start + k, end, getNode));
      end = start + k;
    } else {
      proof.push(rangeHash(start, start + k, getNode));
      start += k;
      m -= k;
      whole = false;
    }
  }
  // SUBPROOF(m, D[m], false) = {MTH(D[m])}; with b still true it is empty (the verifier has that root).
  if (!whole) proof.push(rangeHash(start, end, getNode));
  return proof.reverse();
}

/** The complete subtrees `inclusionProof(index, treeSize, ...)` reads: fetch them, then generate. */
export function nodesForInclusionProof(index: number, treeSize: number): NodeId[] {
  return nodesRead((getNode) => inclusionProof(index, treeSize, getNode));
}

/** The complete subtrees `consistencyProof(oldSize, newSize, ...)` reads: fetch them, then generate. */
export function nodesForConsistencyProof(oldSize: number, newSize: number): NodeId[] {
  return nodesRead((getNode) => consistencyProof(oldSize, newSize, getNode));
}

/** `inclusionProof` over an in-memory list of leaf hashes (the tree of all of them unless `treeSize` is smaller). */
export function inclusionProofFromLeaves(index: number, leafHashes: readonly Buffer[], treeSize = leafHashes.length): Buffer[] {
  if (treeSize > leafHashes.length) throw new RangeError(`treeSize ${treeSize} exceeds the ${leafHashes.length} leaves given`);
  return inclusionProof(index, treeSize, nodesFromLeaves(leafHashes));
}

/** `consistencyProof` over an in-memory list of leaf hashes (`newSize` defaults to all of them). */
export function consistencyProofFromLeaves(oldSize: number, leafHashes: readonly Buffer[], newSize = leafHashes.length): Buffer[] {
  if (newSize > leafHashes.length) throw new RangeError(`newSize ${newSize} exceeds the ${leafHashes.length} leaves given`);
  return consistencyProof(oldSize, newSize, nodesFromLeaves(leafHashes));
}

/**
 * The root that an inclusion proof leads to (RFC 9162 §2.1.3.2, steps 1 to 5), or undefined when
 * the proof cannot be for that index and size (wrong length, malformed hashes).
 */
export function rootFromInclusionProof(leafHash: Buffer, index: number, treeSize: number, proof: readonly Buffer[]): Buffer | undefined {
  if (!isHash(leafHash) || !Array.isArray(proof) || !proof.every(isHash)) return undefined;
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(treeSize) || index < 0 || index >= treeSize) return undefined;
  let fn = index;
  let sn = treeSize - 1;
  let r = leafHash;
  for (const p of proof) {
    if (sn === 0) return undefined;
    if (isOdd(fn) || fn === sn) {
      r = nodeHash(p, r);
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 ? r : undefined;
}

/** RFC 9162 §2.1.3.2: whether `proof` shows that `leafHash` is leaf `index` of the tree of size `treeSize` with root `root`. */
export function verifyInclusion(leafHash: Buffer, index: number, treeSize: number, proof: readonly Buffer[], root: Buffer): boolean {
  const computed = rootFromInclusionProof(leafHash, index, treeSize, proof);
  return computed !== undefined && sameHash(computed, root);
}

/**
 * RFC 9162 §2.1.4.2: whether `proof` shows that the tree of size `newSize` with root `newRoot`
 * extends the tree of size `oldSize` with root `oldRoot`.
 *
 * Edge cases, stricter than silence: equal sizes need equal roots and an empty proof; an old size
 * of 0 needs an empty proof and `oldRoot` equal to `EMPTY_ROOT` (the empty tree is a prefix of
 * every tree); a shrinking tree never verifies.
 */
export function verifyConsistency(oldSize: number, newSize: number, oldRoot: Buffer, newRoot: Buffer, proof: readonly Buffer[]): boolean {
  if (!Number.isSafeInteger(oldSize) || !Number.isSafeInteger(newSize) || oldSize < 0 || oldSize > newSize) return false;
  if (!isHash(oldRoot) || !isHash(newRoot) || !Array.isArray(proof) || !proof.every(isHash)) return false;
  if (oldSize === newSize) return proof.length === 0 && sameHash(oldRoot, newRoot);
  if (oldSize === 0) return proof.length === 0 && sameHash(oldRoot, EMPTY_ROOT);
  if (proof.length === 0) return false;
  // Step 2: when oldSize is a power of two, the old root is the first node of the path.
  const path = isPowerOfTwo(oldSize) ? [oldRoot, ...proof] : [...proof];
  let fn = oldSize - 1;
  let sn = newSize - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0];
  let sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && sameHash(fr, oldRoot) && sameHash(sr, newRoot);
}
