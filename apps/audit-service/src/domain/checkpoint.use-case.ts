import type { Logger } from '@warden/config';
import { GENESIS_HASH, auditLogOrigin, transparency, type AuditCheckpoint, type ChainHead, type CheckpointSigner } from '@warden/audit-client';
import {
  ConflictingTreeNodeError,
  STORED_TREE_LEVEL,
  type AuditCheckpointRepository,
  type AuditRecordDoc,
  type AuditRecordRepository,
  type AuditTreeNodeRepository,
  type StoredCheckpoint,
} from '@warden/audit-data-access';
import type { RecordSealer } from '@warden/audit-feature';
import { walkStoredChain } from './verify-chain.use-case';

/** Leaves under one stored block node (the lowest stored level of the tree). */
const BLOCK_LEAVES = 2 ** STORED_TREE_LEVEL;

/** Why a checkpoint was refused (the `reason` label of `audit_checkpoint_refusals_total`). */
export type RefusalCode =
  /** A record after the previous checkpoint (or anywhere, for a full check) failed verification. */
  | 'chain-invalid'
  /** The head is below the last signed tree size: records were deleted. */
  | 'head-behind'
  /** The stored previous checkpoint (signature, note, compact range) or the records behind it do not give its signed root. */
  | 'tree-mismatch'
  /** A stored tree node holds another hash than the records give. */
  | 'node-conflict';

export interface CheckpointRefusal {
  code: RefusalCode;
  /** The first record (or tree size) at fault. */
  seq: number;
  reason: string;
}

export type CheckpointOutcome =
  | { kind: 'signed'; checkpoint: AuditCheckpoint }
  /** Nothing new since the latest checkpoint (null when the account has no records). */
  | { kind: 'unchanged'; checkpoint: AuditCheckpoint | null }
  | { kind: 'refused'; refusal: CheckpointRefusal };

export interface AttemptOptions {
  full?: boolean;
  /**
   * A burst checkpoint: when this process wrote every record since the last signed tree (one
   * contiguous run of links from its head), the tree is extended from those links without reading
   * the records back; otherwise, as without it.
   */
  fromWritten?: boolean;
  verifyChain?: () => Promise<{ seq: number; reason: string } | undefined>;
}

export interface CheckpointerOptions {
  records: AuditRecordRepository;
  checkpoints: AuditCheckpointRepository;
  tree: AuditTreeNodeRepository;
  signer: CheckpointSigner;
  sealer: RecordSealer;
  logger: Logger;
  /** A burst is checkpointed each time a chain crosses a multiple of this many records. */
  every: number;
  clock?: () => Date;
  onSigned?: (checkpoint: AuditCheckpoint) => void;
  onRefused?: (accountId: string, failure: CheckpointRefusal) => void;
}

/** The last signed tree of an account: its compact range and the chain head at the same size. */
interface SignedTree {
  range: transparency.CompactRange;
  head: ChainHead;
}

/** A record as the appender wrote it: enough to extend the tree and check the chain's links. */
interface Link {
  seq: number;
  prevHash: string;
  hash: string;
}

const EMPTY_TREE: SignedTree = { range: transparency.CompactRange.empty(), head: { seq: 0, hash: GENESIS_HASH } };

class Refused extends Error {
  constructor(readonly refusal: CheckpointRefusal) {
    super(refusal.reason);
  }
}

const refuse = (code: RefusalCode, seq: number, reason: string) => new Refused({ code, seq, reason });

/**
 * Signs checkpoints of each account's log (periodically, after bursts, on demand): the chain head
 * (Ed25519 over `{accountId, seq, hash, time}`) and, over the same records, the RFC 9162 Merkle
 * tree as a C2SP signed note. Leaf i is the record with seq i + 1; its leaf hash is the record's
 * `hash` (SHA-256 of 0x00 and its canonical text).
 *
 * A checkpoint is taken only when the new tree extends the last signed one: the stored previous
 * checkpoint must carry a valid signature and note whose root its compact range gives, the head
 * must not be below it, and every record after it is verified (hashes, links from its signed
 * head, seals) before its leaf is appended. The complete subtrees the append completes are saved
 * before the note is signed, so every signed tree can be proven from stored nodes. A burst
 * or periodic checkpoint extends the tree from the links this process wrote itself when they
 * continue the last signed tree without a gap, reading nothing back: it signs what was written,
 * so a record changed or deleted afterwards never matches it. On a store that scans every query
 * (FerretDB v1), walking the records each time made appends wait behind it. Otherwise (another
 * replica wrote in between, a restart, the start-up sweep, the on-demand route) the stored
 * records are walked and verified first. `full` also
 * re-derives the previous root from every record (the on-demand route): records changed behind
 * the previous checkpoint are found there. Anything else is refused, logged at error and counted;
 * nothing is signed.
 */
export class Checkpointer {
  private readonly signed = new Map<string, ChainHead>();
  private readonly trees = new Map<string, SignedTree>();
  private readonly dirty = new Set<string>();
  /** Per account, the links this process wrote after its last signed tree, one contiguous run (at most `4 × every`). */
  private readonly written = new Map<string, Link[]>();
  private readonly running = new Map<string, Promise<CheckpointOutcome>>();
  private timer?: NodeJS.Timeout;
  private tick?: Promise<void>;
  private readonly clock: () => Date;

  constructor(private readonly options: CheckpointerOptions) {
    this.clock = options.clock ?? (() => new Date());
  }

  /** Told by the appender about every run of records it wrote on top of `from`. */
  noteAppended(accountId: string, from: ChainHead, written: AuditRecordDoc[]): void {
    const last = written[written.length - 1];
    if (!last) return;
    this.dirty.add(accountId);
    this.remember(accountId, written);
    if (Math.floor(from.seq / this.options.every) !== Math.floor(last.seq / this.options.every)) {
      this.attempt(accountId, { fromWritten: true }).catch((error) => this.options.logger.warn({ err: error, accountId }, 'burst checkpoint failed; the next one will cover it'));
    }
  }

  /** Adds a run to the account's links when it continues them; a run that does not (another writer came between) starts them over. */
  private remember(accountId: string, docs: AuditRecordDoc[]): void {
    const links = docs.map(({ seq, prevHash, hash }) => ({ seq, prevHash, hash }));
    const run = this.written.get(accountId) ?? [];
    const tail = run[run.length - 1];
    const continues = tail !== undefined && tail.seq + 1 === links[0].seq && tail.hash === links[0].prevHash;
    const next = continues ? run.concat(links) : links;
    this.written.set(accountId, next.length > 4 * this.options.every ? next.slice(-4 * this.options.every) : next);
  }

  /** Signs the account's head if it moved since its last checkpoint; one at a time per account. Null when nothing was signed. */
  async checkpoint(accountId: string): Promise<AuditCheckpoint | null> {
    const outcome = await this.attempt(accountId);
    return outcome.kind === 'signed' ? outcome.checkpoint : null;
  }

  /**
   * Like `checkpoint`, saying what happened. `full` verifies every record and the previous tree
   * first; `verifyChain` (e.g. the whole chain against every checkpoint) runs before anything is
   * signed, and a failure it reports is refused like any other.
   */
  attempt(accountId: string, options: AttemptOptions = {}): Promise<CheckpointOutcome> {
    const previous = this.running.get(accountId) ?? Promise.resolve(null);
    const next = previous.catch(() => null).then(() => this.checkpointNow(accountId, options));
    this.running.set(accountId, next);
    void next.finally(() => {
      if (this.running.get(accountId) === next) this.running.delete(accountId);
    }).catch(() => undefined);
    return next;
  }

  private async lastSigned(accountId: string): Promise<ChainHead> {
    const known = this.signed.get(accountId);
    if (known) return known;
    const latest = await this.options.checkpoints.latest(accountId);
    if (!latest) return { seq: 0, hash: GENESIS_HASH };
    // Verified under the key its key id names: the current key or one it replaced.
    const unverified = this.options.signer.keyring.failure(latest);
    if (unverified) throw refuse('tree-mismatch', latest.seq, `the stored ${unverified}`);
    const head = { seq: latest.seq, hash: latest.hash };
    this.signed.set(accountId, head);
    return head;
  }

  /** The last signed tree, checked: chain signature, note (key, origin, size), and a compact range that gives the note's root. */
  private async lastTree(accountId: string): Promise<SignedTree> {
    const known = this.trees.get(accountId);
    if (known) return known;
    const latest = await this.options.checkpoints.latestTree(accountId);
    if (!latest) return EMPTY_TREE;
    const tree = this.checkedTree(accountId, latest);
    this.trees.set(accountId, tree);
    return tree;
  }

  private checkedTree(accountId: string, stored: StoredCheckpoint): SignedTree {
    const { signer } = this.options;
    const mismatch = (why: string) => refuse('tree-mismatch', stored.seq, `the stored checkpoint at seq ${stored.seq} ${why}`);
    const unverified = signer.keyring.failure(stored);
    if (unverified) throw refuse('tree-mismatch', stored.seq, `the stored ${unverified}`);
    const origin = auditLogOrigin(accountId);
    let opened: transparency.Checkpoint;
    try {
      // The note is signed by the same key as the checkpoint: the one its key id names.
      const key = signer.keyring.noteVerifierKey(stored.keyId, origin);
      opened = transparency.openCheckpoint(stored.note ?? '', key ? [key] : [], { origin }).checkpoint;
    } catch (error) {
      throw mismatch(`has a note that does not verify (${(error as Error).message})`);
    }
    let range: transparency.CompactRange;
    try {
      range = transparency.CompactRange.deserialize(Buffer.from(stored.range ?? '', 'base64'));
    } catch {
      throw mismatch('has a malformed compact range');
    }
    if (opened.size !== stored.seq || stored.treeSize !== stored.seq || range.size !== stored.seq) throw mismatch('has a tree size that is not its seq');
    if (!range.root().equals(opened.rootHash) || stored.rootHash !== opened.rootHash.toString('base64')) {
      throw mismatch('has a compact range that does not give its signed root');
    }
    return { range, head: { seq: stored.seq, hash: stored.hash } };
  }

  private async checkpointNow(accountId: string, options: AttemptOptions): Promise<CheckpointOutcome> {
    try {
      return await this.extend(accountId, options);
    } catch (error) {
      if (!(error instanceof Refused)) throw error;
      const { refusal } = error;
      this.options.logger.error({ accountId, code: refusal.code, firstInvalidSeq: refusal.seq, reason: refusal.reason }, 'audit log failed verification; checkpoint refused');
      this.options.onRefused?.(accountId, refusal);
      return { kind: 'refused', refusal };
    }
  }

  private async extend(accountId: string, { full = false, verifyChain, fromWritten = false }: AttemptOptions): Promise<CheckpointOutcome> {
    const last = await this.lastSigned(accountId);
    const tree = await this.lastTree(accountId);
    if (fromWritten && !full && !verifyChain) {
      const extended = this.extendFromWritten(accountId, last, tree);
      if (extended) return this.signTree(accountId, extended.range, extended.head, extended.nodes, extended.leaves);
    }
    const signedSize = Math.max(last.seq, tree.range.size);
    const head = await this.options.records.head(accountId);
    const headSeq = head?.seq ?? 0;
    if (headSeq < signedSize) {
      throw refuse('head-behind', headSeq + 1, `the chain ends at seq ${headSeq} but a signed checkpoint covers seq ${signedSize}: records were deleted`);
    }
    const failure = await verifyChain?.();
    if (failure) throw refuse('chain-invalid', failure.seq, failure.reason);
    if (!head || (head.seq === last.seq && !full)) {
      if (head && head.hash !== last.hash) throw refuse('chain-invalid', head.seq, `record ${head.seq} does not match the signed checkpoint`);
      return { kind: 'unchanged', checkpoint: head ? await this.options.checkpoints.latest(accountId) : null };
    }

    // Walk from the last signed tree's head (or from genesis): links, hashes and seals of every record, one leaf each.
    const from = full ? EMPTY_TREE : tree;
    let range = from.range;
    const nodes: transparency.TreeNode[] = [];
    const leaves = new Map<number, string>();
    let treeFault: CheckpointRefusal | undefined;
    const visit = (doc: AuditRecordDoc) => {
      leaves.set(doc.seq, doc.hash);
      const step = range.append(Buffer.from(doc.hash, 'hex'));
      range = step.range;
      if (step.range.size > tree.range.size) nodes.push(...step.nodes);
      if (step.range.size === tree.range.size && !treeFault && !range.root().equals(tree.range.root())) {
        treeFault = { code: 'tree-mismatch', seq: tree.range.size, reason: `the records up to seq ${tree.range.size} do not give the signed root of that tree: records behind the checkpoint changed` };
      }
      if (doc.seq === last.seq && doc.hash !== last.hash && !treeFault) {
        treeFault = { code: 'chain-invalid', seq: doc.seq, reason: `record ${doc.seq} does not match the signed checkpoint: the chain was rewritten` };
      }
    };
    const verifier = await walkStoredChain(this.options, accountId, { from: from.head, throughSeq: head.seq, visit });
    if (verifier.failure) throw refuse('chain-invalid', verifier.failure.seq, verifier.failure.reason);
    if (treeFault) throw new Refused(treeFault);
    if (!verifier.intact || verifier.intact.seq !== head.seq || verifier.intact.hash !== head.hash || range.size !== head.seq) {
      throw refuse('chain-invalid', (verifier.intact?.seq ?? from.head.seq) + 1, 'the chain changed while it was being verified');
    }
    if (head.seq === last.seq) return { kind: 'unchanged', checkpoint: await this.options.checkpoints.latest(accountId) };

    return this.signTree(accountId, range, head, nodes, leaves);
  }

  /**
   * The tree extended from the links this process wrote, when they continue the last signed tree
   * without a gap (each link's prevHash is the hash before it, the first one's the signed head's):
   * the records are the ones the appender computed, hashed and sealed itself, so nothing is read
   * back. Undefined when they do not (another replica wrote in between, a restart): the caller
   * walks the stored records instead.
   */
  private extendFromWritten(
    accountId: string,
    last: ChainHead,
    tree: SignedTree,
  ): { range: transparency.CompactRange; head: ChainHead; nodes: transparency.TreeNode[]; leaves: Map<number, string> } | undefined {
    const run = this.written.get(accountId) ?? [];
    if (last.seq !== tree.range.size || last.hash !== tree.head.hash) return undefined;
    const start = run.findIndex((link) => link.seq === tree.range.size + 1);
    if (start < 0) return undefined;
    let range = tree.range;
    const nodes: transparency.TreeNode[] = [];
    const leaves = new Map<number, string>();
    let head = tree.head;
    for (const link of run.slice(start)) {
      if (link.seq !== head.seq + 1 || link.prevHash !== head.hash) return undefined;
      leaves.set(link.seq, link.hash);
      const step = range.append(Buffer.from(link.hash, 'hex'));
      range = step.range;
      nodes.push(...step.nodes);
      head = { seq: link.seq, hash: link.hash };
    }
    return head.seq > tree.head.seq ? { range, head, nodes, leaves } : undefined;
  }

  /**
   * Saves the nodes the extension completed (each block of 256 leaves with its leaves, `leaves`
   * holding the ones this extension saw), then signs the tree and the chain head, and remembers both.
   */
  private async signTree(
    accountId: string,
    range: transparency.CompactRange,
    head: ChainHead,
    nodes: transparency.TreeNode[],
    leaves: ReadonlyMap<number, string>,
  ): Promise<CheckpointOutcome> {
    let tail: string | undefined;
    try {
      await this.options.tree.save(accountId, nodes, await this.blockLeaves(accountId, nodes, leaves));
      tail = await this.tailLeaves(accountId, range.size, leaves);
    } catch (error) {
      if (error instanceof ConflictingTreeNodeError) throw refuse('node-conflict', error.index * 2 ** error.level + 1, error.message);
      throw error;
    }
    const { signer } = this.options;
    const rootHash = range.root();
    const note = signer.signTreeHead({ origin: auditLogOrigin(accountId), size: range.size, rootHash });
    const checkpoint: StoredCheckpoint = {
      ...signer.sign({ accountId, seq: head.seq, hash: head.hash, time: this.clock().toISOString() }),
      treeSize: range.size,
      rootHash: rootHash.toString('base64'),
      note,
    };
    await this.options.checkpoints.insert({ ...checkpoint, range: range.serialize().toString('base64'), ...(tail ? { tail } : {}) });
    this.signed.set(accountId, { seq: head.seq, hash: head.hash });
    this.trees.set(accountId, { range, head: { seq: head.seq, hash: head.hash } });
    this.written.set(accountId, (this.written.get(accountId) ?? []).filter((link) => link.seq > head.seq));
    this.options.onSigned?.(checkpoint);
    return { kind: 'signed', checkpoint };
  }

  /** The leaf hashes under each completed block node, from `known` or, for a block begun before this extension, from its records. */
  private async blockLeaves(accountId: string, nodes: readonly transparency.TreeNode[], known: ReadonlyMap<number, string>): Promise<Map<number, string[]>> {
    const blocks = new Map<number, string[]>();
    for (const node of nodes.filter((n) => n.level === STORED_TREE_LEVEL)) {
      const first = node.index * BLOCK_LEAVES + 1;
      blocks.set(node.index, await this.leavesBetween(accountId, first, first + BLOCK_LEAVES - 1, known));
    }
    return blocks;
  }

  /** The leaf hashes of the tree's last block when `size` leaves leave it incomplete (from `known`, else from its records). */
  private async tailLeaves(accountId: string, size: number, known: ReadonlyMap<number, string>): Promise<string | undefined> {
    const first = Math.floor(size / BLOCK_LEAVES) * BLOCK_LEAVES + 1;
    if (first > size) return undefined;
    const hashes = await this.leavesBetween(accountId, first, size, known);
    return hashes.length === size - first + 1 ? hashes.join('') : undefined;
  }

  /** The leaf hashes of records `first`..`last`: from `known` when it has them all, else read from the records. */
  private async leavesBetween(accountId: string, first: number, last: number, known: ReadonlyMap<number, string>): Promise<string[]> {
    const seqs = Array.from({ length: last - first + 1 }, (_, i) => first + i);
    if (seqs.every((seq) => known.has(seq))) return seqs.map((seq) => known.get(seq) as string);
    return (await this.options.records.hashesBetween(accountId, first, last)).map((leaf) => leaf.hash);
  }

  /** Checkpoints every account written to since the last tick (from the links written here when they cover it, as a burst does). */
  async checkpointDirty(): Promise<void> {
    const accounts = [...this.dirty];
    this.dirty.clear();
    for (const accountId of accounts) {
      await this.attempt(accountId, { fromWritten: true }).catch((error) => {
        this.dirty.add(accountId);
        this.options.logger.warn({ err: error, accountId }, 'periodic checkpoint failed; will retry');
      });
    }
  }

  /** Checkpoints every account whose head moved (start-up, and the on-demand route without an account). */
  async sweep(): Promise<AuditCheckpoint[]> {
    const signed: AuditCheckpoint[] = [];
    for (const accountId of await this.options.records.accountIds()) {
      const checkpoint = await this.checkpoint(accountId);
      if (checkpoint) signed.push(checkpoint);
    }
    return signed;
  }

  start(intervalMs: number): this {
    this.timer = setInterval(() => {
      this.tick ??= this.checkpointDirty().finally(() => (this.tick = undefined));
    }, intervalMs);
    this.timer.unref();
    return this;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.tick;
    await Promise.allSettled([...this.running.values()]);
  }
}
