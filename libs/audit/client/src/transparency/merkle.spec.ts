import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { CompactRange } from './compact-range';
import { EMPTY_ROOT, MissingNodeError, leafHash, nodeHash, nodesForRoot, nodesFromLeaves, rootFromLeaves, rootFromNodes, type GetNode } from './merkle';
import {
  consistencyProof,
  consistencyProofFromLeaves,
  inclusionProof,
  inclusionProofFromLeaves,
  nodesForConsistencyProof,
  nodesForInclusionProof,
  verifyConsistency,
  verifyInclusion,
} from './proofs';

// Test data of github.com/transparency-dev/merkle, proof/verify_test.go (the RFC 6962 reference
// tree of google/certificate-transparency): 8 leaf inputs, the roots of sizes 1..8, and proofs.
const hex = (text: string) => Buffer.from(text, 'hex');
const LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(hex);
const ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
].map(hex);
/** [leaf index (0-based), tree size, proof] */
const INCLUSION: [number, number, string[]][] = [
  [0, 1, []],
  [
    0,
    8,
    [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  ],
  [
    5,
    8,
    [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
  [2, 3, ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125']],
  [
    1,
    5,
    [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  ],
];
/** [old size, new size, proof] */
const CONSISTENCY: [number, number, string[]][] = [
  [1, 1, []],
  [
    1,
    8,
    [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  ],
  [
    6,
    8,
    [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
  [2, 5, ['5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b']],
  [
    6,
    7,
    [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
];

const leafHashes = LEAVES.map(leafHash);
const toHex = (hashes: Buffer[]) => hashes.map((hash) => hash.toString('hex'));

/** An in-memory store: every node each append completed, keyed by level and index. */
function store(count: number, leaves = (i: number) => leafHash(Buffer.from(`leaf ${i}`))) {
  const nodes = new Map<string, Buffer>();
  let range = CompactRange.empty();
  const hashes: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const hash = leaves(i);
    hashes.push(hash);
    const step = range.append(hash);
    range = step.range;
    for (const node of step.nodes) nodes.set(`${node.level}/${node.index}`, node.hash);
  }
  const getNode: GetNode = (level, index) => nodes.get(`${level}/${index}`);
  return { range, hashes, getNode, nodes };
}

function flipBit(proof: Buffer[], at: number, bit: number): Buffer[] {
  return proof.map((hash, i) => {
    if (i !== at) return hash;
    const copy = Buffer.from(hash);
    copy[bit >> 3] ^= 1 << (bit & 7);
    return copy;
  });
}

describe('RFC 9162 Merkle tree hashing', () => {
  it('hashes leaves and nodes with the 0x00 and 0x01 prefixes, and the empty tree to SHA-256("")', () => {
    expect(EMPTY_ROOT.toString('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(leafHash(Buffer.alloc(0))).toEqual(createHash('sha256').update(Buffer.from([0])).digest());
    expect(nodeHash(leafHashes[0], leafHashes[1])).toEqual(createHash('sha256').update(Buffer.concat([Buffer.from([1]), leafHashes[0], leafHashes[1]])).digest());
    expect(rootFromLeaves([])).toEqual(EMPTY_ROOT);
  });

  it('computes the published roots of sizes 1 to 8 by recursion, by compact range, and from stored nodes', () => {
    const { range, getNode } = store(8, (i) => leafHashes[i]);
    let compact = CompactRange.empty();
    for (let size = 1; size <= 8; size++) {
      compact = compact.append(leafHashes[size - 1]).range;
      expect(rootFromLeaves(leafHashes.slice(0, size)).toString('hex')).toBe(ROOTS[size - 1].toString('hex'));
      expect(compact.root().toString('hex')).toBe(ROOTS[size - 1].toString('hex'));
      expect(rootFromNodes(size, getNode).toString('hex')).toBe(ROOTS[size - 1].toString('hex'));
    }
    expect(range.root()).toEqual(ROOTS[7]);
    expect(rootFromNodes(0, getNode)).toEqual(EMPTY_ROOT);
  });

  it.each(INCLUSION)('generates and verifies the published inclusion proof of leaf %i in a tree of size %i', (index, size, expected) => {
    const { getNode } = store(8, (i) => leafHashes[i]);
    expect(toHex(inclusionProof(index, size, getNode))).toEqual(expected);
    expect(toHex(inclusionProofFromLeaves(index, leafHashes, size))).toEqual(expected);
    expect(verifyInclusion(leafHashes[index], index, size, expected.map(hex), ROOTS[size - 1])).toBe(true);
  });

  it.each(CONSISTENCY)('generates and verifies the published consistency proof from size %i to size %i', (oldSize, newSize, expected) => {
    const { getNode } = store(8, (i) => leafHashes[i]);
    expect(toHex(consistencyProof(oldSize, newSize, getNode))).toEqual(expected);
    expect(toHex(consistencyProofFromLeaves(oldSize, leafHashes, newSize))).toEqual(expected);
    expect(verifyConsistency(oldSize, newSize, ROOTS[oldSize - 1], ROOTS[newSize - 1], expected.map(hex))).toBe(true);
  });

  it('rejects the corrupted variants of the published proofs that transparency-dev/merkle rejects', () => {
    const someHash = hex('abacaba000000000000000000000000000000000000000000060061e00123456');
    for (const [index, size, expected] of INCLUSION.slice(1)) {
      const proof = expected.map(hex);
      const root = ROOTS[size - 1];
      const leaf = leafHashes[index];
      const probes: [number, number, Buffer, Buffer[], Buffer][] = [
        [index - 1, size, leaf, proof, root],
        [index + 1, size, leaf, proof, root],
        [index ^ 2, size, leaf, proof, root],
        [index, size * 2, leaf, proof, root],
        [index, Math.floor(size / 2), leaf, proof, root],
        [index, size, leafHash(Buffer.from('WrongLeaf')), proof, root],
        [index, size, leaf, proof, EMPTY_ROOT],
        [index, size, leaf, proof, someHash],
        [index, size, leaf, [...proof, root], root],
        [index, size, leaf, [root, ...proof], root],
        [index, size, leaf, proof.slice(0, -1), root],
        ...proof.map((_, i): [number, number, Buffer, Buffer[], Buffer] => [index, size, leaf, flipBit(proof, i, 3), root]),
      ];
      for (const [i, s, l, p, r] of probes) expect({ i, s, ok: verifyInclusion(l, i, s, p, r) }).toEqual({ i, s, ok: false });
    }
    for (const [oldSize, newSize, expected] of CONSISTENCY.slice(1)) {
      const proof = expected.map(hex);
      const [root1, root2] = [ROOTS[oldSize - 1], ROOTS[newSize - 1]];
      const probes: [number, number, Buffer, Buffer, Buffer[]][] = [
        [oldSize - 1, newSize, root1, root2, proof],
        [oldSize + 1, newSize, root1, root2, proof],
        [oldSize ^ 2, newSize, root1, root2, proof],
        [oldSize, newSize * 2, root1, root2, proof],
        [oldSize, Math.floor(newSize / 2), root1, root2, proof],
        [oldSize, newSize, someHash, root2, proof],
        [oldSize, newSize, root1, someHash, proof],
        [oldSize, newSize, root2, root1, proof],
        [oldSize, newSize, root1, root2, []],
        [oldSize, newSize, root1, root2, [...proof, root1]],
        [oldSize, newSize, root1, root2, [...proof, root2]],
        [oldSize, newSize, root1, root2, [root1, ...proof]],
        [oldSize, newSize, root1, root2, [root2, ...proof]],
        [oldSize, newSize, root1, root2, [proof[0], ...proof]],
        [oldSize, newSize, root1, root2, proof.slice(0, -1)],
        ...proof.map((_, i): [number, number, Buffer, Buffer, Buffer[]] => [oldSize, newSize, root1, root2, flipBit(proof, i, 4)]),
      ];
      for (const [o, n, r1, r2, p] of probes) expect({ o, n, ok: verifyConsistency(o, n, r1, r2, p) }).toEqual({ o, n, ok: false });
    }
  });

  it('handles the edge sizes of consistency: equal sizes, the empty tree, and a shrinking tree', () => {
    expect(verifyConsistency(0, 0, EMPTY_ROOT, EMPTY_ROOT, [])).toBe(true);
    expect(verifyConsistency(0, 5, EMPTY_ROOT, ROOTS[4], [])).toBe(true);
    expect(verifyConsistency(0, 5, ROOTS[0], ROOTS[4], [])).toBe(false);
    expect(verifyConsistency(3, 3, ROOTS[2], ROOTS[2], [])).toBe(true);
    expect(verifyConsistency(3, 3, ROOTS[2], ROOTS[3], [])).toBe(false);
    expect(verifyConsistency(3, 3, ROOTS[2], ROOTS[2], [EMPTY_ROOT])).toBe(false);
    expect(verifyConsistency(4, 3, ROOTS[3], ROOTS[2], [])).toBe(false);
    expect(consistencyProofFromLeaves(0, leafHashes)).toEqual([]);
    expect(() => consistencyProofFromLeaves(5, leafHashes, 4)).toThrow(RangeError);
    expect(() => inclusionProofFromLeaves(8, leafHashes)).toThrow(RangeError);
    expect(verifyInclusion(leafHashes[0], 0, 0, [], EMPTY_ROOT)).toBe(false);
    expect(verifyInclusion(leafHashes[0], 0, 1, [], leafHashes[0])).toBe(true);
    expect(verifyInclusion(leafHashes[0], 0, 1, [], Buffer.alloc(0))).toBe(false);
  });
});

describe('compact range', () => {
  it('reports the nodes each append completes, and those are exactly the complete subtrees', () => {
    let range = CompactRange.empty();
    const completed: string[][] = [];
    for (const hash of leafHashes.slice(0, 4)) {
      const step = range.append(hash);
      range = step.range;
      completed.push(step.nodes.map((node) => `${node.level}/${node.index}`));
    }
    expect(completed).toEqual([['0/0'], ['0/1', '1/0'], ['0/2'], ['0/3', '1/1', '2/0']]);
    const { nodes } = store(13);
    const all = nodesFromLeaves(store(13).hashes);
    // 13 leaves, 6 + 3 + 1 complete inner subtrees.
    expect(nodes.size).toBe(13 + 6 + 3 + 1);
    for (const [key, hash] of nodes) {
      const [level, index] = key.split('/').map(Number);
      expect(all(level, index)).toEqual(hash);
    }
  });

  it('serializes to 8 + 32 bytes per subtree, round-trips, and rebuilds from stored nodes', () => {
    const { range, getNode } = store(13);
    const bytes = range.serialize();
    expect(bytes.length).toBe(8 + 3 * 32);
    const copy = CompactRange.deserialize(bytes);
    expect(copy.size).toBe(13);
    expect(copy.root()).toEqual(range.root());
    expect(CompactRange.fromNodes(13, getNode).serialize()).toEqual(bytes);
    expect(CompactRange.fromTreeNodes(13, range.nodes()).root()).toEqual(range.root());
    expect(range.nodes().map(({ level, index }) => [level, index])).toEqual([
      [3, 0],
      [2, 2],
      [0, 12],
    ]);
    expect(CompactRange.deserialize(CompactRange.empty().serialize()).root()).toEqual(EMPTY_ROOT);
    expect(() => CompactRange.deserialize(bytes.subarray(0, bytes.length - 32))).toThrow(/node count/);
    expect(() => CompactRange.deserialize(bytes.subarray(0, 7))).toThrow(/malformed/);
    // A past size rebuilt from the same store continues into the same tree.
    const past = CompactRange.fromNodes(9, getNode).appendAll(store(13).hashes.slice(9));
    expect(past.range.root()).toEqual(range.root());
  });

  it('lists the nodes a root or a proof reads, so a store can fetch them in one query, and names a missing one', () => {
    const { getNode, nodes } = store(13);
    expect(nodesForRoot(13)).toEqual([
      { level: 3, index: 0 },
      { level: 2, index: 2 },
      { level: 0, index: 12 },
    ]);
    for (const ids of [nodesForInclusionProof(5, 11), nodesForConsistencyProof(6, 13), nodesForRoot(7)]) {
      for (const { level, index } of ids) expect(nodes.has(`${level}/${index}`)).toBe(true);
    }
    const fetched = new Map(nodesForInclusionProof(5, 11).map(({ level, index }) => [`${level}/${index}`, getNode(level, index)]));
    expect(inclusionProof(5, 11, (level, index) => fetched.get(`${level}/${index}`))).toEqual(inclusionProof(5, 11, getNode));
    expect(() => inclusionProof(12, 13, (level, index) => (level === 0 && index === 12 ? undefined : getNode(level, index)))).not.toThrow();
    expect(() => inclusionProof(0, 13, (level, index) => (level === 0 && index === 12 ? undefined : getNode(level, index)))).toThrow(MissingNodeError);
  });
});

describe('proof properties', () => {
  // One store of 300 leaves serves every smaller tree size: proofs of past sizes come from the same nodes.
  const { hashes, getNode, range } = store(300);

  it('the compact range root of every size equals the recursive MTH and the root from stored nodes', () => {
    let compact = CompactRange.empty();
    for (let size = 1; size <= 64; size++) {
      compact = compact.append(hashes[size - 1]).range;
      expect(compact.root()).toEqual(rootFromLeaves(hashes.slice(0, size)));
      expect(rootFromNodes(size, getNode)).toEqual(compact.root());
    }
    expect(range.root()).toEqual(rootFromLeaves(hashes));
  });

  it('every generated inclusion proof verifies, and a tampered one does not', () => {
    const cases = fc
      .integer({ min: 1, max: hashes.length })
      .chain((size) => fc.record({ size: fc.constant(size), index: fc.integer({ min: 0, max: size - 1 }), bit: fc.nat(255), at: fc.nat(), other: fc.nat() }));
    const run = () =>
      fc.assert(
        fc.property(cases, ({ size, index, bit, at, other }) => {
          const root = rootFromLeaves(hashes.slice(0, size));
          const proof = inclusionProof(index, size, getNode);
          if (!verifyInclusion(hashes[index], index, size, proof, root)) return false;
          const wrongIndex = (index + 1 + (other % size)) % size;
          if (size > 1 && wrongIndex !== index && verifyInclusion(hashes[index], wrongIndex, size, proof, root)) return false;
          if (verifyInclusion(hashes[(index + 1) % hashes.length], index, size, proof, root)) return false;
          if (proof.length === 0) return true;
          return !verifyInclusion(hashes[index], index, size, flipBit(proof, at % proof.length, bit), root) && !verifyInclusion(hashes[index], index, size, proof.slice(1), root);
        }),
        { numRuns: 400 },
      );
    expect(run).not.toThrow();
  });

  it('every generated consistency proof verifies, and a tampered one does not', () => {
    const cases = fc
      .integer({ min: 1, max: hashes.length })
      .chain((newSize) => fc.record({ newSize: fc.constant(newSize), oldSize: fc.integer({ min: 1, max: newSize }), bit: fc.nat(255), at: fc.nat() }));
    const run = () =>
      fc.assert(
        fc.property(cases, ({ oldSize, newSize, bit, at }) => {
          const oldRoot = rootFromNodes(oldSize, getNode);
          const newRoot = rootFromNodes(newSize, getNode);
          const proof = consistencyProof(oldSize, newSize, getNode);
          if (!verifyConsistency(oldSize, newSize, oldRoot, newRoot, proof)) return false;
          if (oldSize === newSize) return proof.length === 0;
          if (verifyConsistency(oldSize, newSize, oldRoot, newRoot, flipBit(proof, at % proof.length, bit))) return false;
          if (verifyConsistency(oldSize, newSize, oldRoot, flipBit([newRoot], 0, bit)[0], proof)) return false;
          if (verifyConsistency(oldSize, newSize, flipBit([oldRoot], 0, bit)[0], newRoot, proof)) return false;
          return !verifyConsistency(oldSize, newSize, oldRoot, newRoot, proof.slice(0, -1));
        }),
        { numRuns: 400 },
      );
    expect(run).not.toThrow();
  });
});
