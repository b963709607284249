import { ChainVerifier, auditLogOrigin, transparency, type ChainHead, type ChainVerification, type CheckpointSigner } from '@warden/audit-client';
import { toAuditRecord, type AuditCheckpointRepository, type AuditRecordDoc, type AuditRecordRepository } from '@warden/audit-data-access';
import type { RecordSealer } from '@warden/audit-feature';
import type { AnchorSources, SourceAnchor } from '../anchor-sources';
import { toCosignatureView, type CosignatureView } from './transparency.use-case';

export interface VerifyChainDeps {
  records: AuditRecordRepository;
  checkpoints: AuditCheckpointRepository;
  signer: CheckpointSigner;
  sealer: RecordSealer;
  /** The producers that keep the log's head in their own databases (`AUDIT_ANCHOR_SOURCES`); none, no such check. */
  anchors?: AnchorSources;
}

/**
 * Feeds an account's stored chain, after `from` (genesis by default) through `throughSeq`, to a
 * verifier that recomputes each record's hash from its canonical text, checks that its fields say
 * what was hashed, its prevHash link, seq continuity and its seal; it stops at the first fault.
 * `visit` sees each record that passed, in order.
 */
export async function walkStoredChain(
  { records, sealer }: Pick<VerifyChainDeps, 'records' | 'sealer'>,
  accountId: string,
  { from, throughSeq, visit }: { from?: ChainHead; throughSeq?: number; visit?: (doc: AuditRecordDoc) => void } = {},
): Promise<ChainVerifier> {
  let current!: AuditRecordDoc;
  const sealed = () =>
    sealer.verify(accountId, current.seq, current.hash, current.seal) ? undefined : 'the record has no valid seal: it was not written by the audit service';
  const verifier = new ChainVerifier(from, sealed);
  const cursor = records.streamChain(accountId, { afterSeq: from?.seq, throughSeq });
  try {
    for await (const doc of cursor) {
      current = doc;
      if (!verifier.push(toAuditRecord(doc))) break;
      visit?.(doc);
    }
  } finally {
    await cursor.close();
  }
  return verifier;
}

/** `GET /audit/verify`: the chain's verification, the signed tree it was checked against, and how many records no checkpoint covers yet. */
export interface AccountVerification extends Omit<ChainVerification, 'checkpoint'> {
  checkpoint: (NonNullable<ChainVerification['checkpoint']> & { treeSize?: number; rootHash?: string; cosignatures?: CosignatureView[] }) | null;
  /** Records after the checkpoint (all of them without one): not yet covered by any signature. */
  unanchored: number;
  /** What each producing service's own copy of the head says (see `checkExternalHeads`). */
  externalHeads: ExternalHead[];
  /** Records a signed checkpoint or an external head proves were written, and that are gone. */
  missing: { fromSeq: number; toSeq: number } | null;
}

/**
 * One producer's anchor held against the stored log: `present` (the record it names is there, with
 * that hash), `missing` (the log ends before it), `rewritten` (another record sits at its seq),
 * `none` (the producer has seen nothing of this account recorded), `unreachable` (no answer: not
 * counted either way, and said so).
 */
export type ExternalHead =
  | { source: string; status: 'present' | 'missing' | 'rewritten'; seq: number; anchoredAt: string }
  | { source: string; status: 'none'; seq: null; anchoredAt: null }
  | { source: string; status: 'unreachable'; seq: null; anchoredAt: null; reason: string };

/**
 * Recomputes an account's whole chain from the stored canonical texts (see `walkStoredChain`), then
 * checks it against every signed checkpoint (a deleted tail or a rewritten chain cannot match them),
 * and the Merkle tree of its records against the newest signed note (its signature, origin, size and root).
 */
export async function verifyAccountChain(deps: VerifyChainDeps, accountId: string, { onRecord }: { onRecord?: (seq: number) => void } = {}): Promise<AccountVerification> {
  // Checkpoints and the producers' anchors first: each covers records that exist before the chain is read.
  const [checkpoints, anchors] = await Promise.all([deps.checkpoints.all(accountId), deps.anchors?.anchorsOf(accountId) ?? []]);
  const signedTree = [...checkpoints].reverse().find((checkpoint) => checkpoint.note !== undefined);
  let range = transparency.CompactRange.empty();
  let treeRoot: Buffer | undefined;
  const visit = (doc: AuditRecordDoc) => {
    onRecord?.(doc.seq);
    if (!signedTree || range.size >= (signedTree.treeSize ?? 0)) return;
    range = range.append(Buffer.from(doc.hash, 'hex')).range;
    if (range.size === signedTree.treeSize) treeRoot = range.root();
  };
  const verifier = await walkStoredChain(deps, accountId, { visit });
  const result = verifier.finish(checkpoints, deps.signer.keyring, accountId);
  let checkpoint: AccountVerification['checkpoint'] = result.checkpoint;
  if (result.valid && signedTree) {
    const failure = treeFailure(deps.signer, accountId, signedTree, treeRoot);
    if (failure) Object.assign(result, { valid: false, firstInvalidSeq: signedTree.seq, reason: failure });
    else if (checkpoint?.seq === signedTree.seq) {
      const cosignatures = (await deps.checkpoints.cosignatures(accountId, signedTree.treeSize as number)).map(toCosignatureView);
      checkpoint = { ...checkpoint, treeSize: signedTree.treeSize, rootHash: signedTree.rootHash, cosignatures };
    }
  }
  const stored = result.valid ? result.head : await deps.records.head(accountId);
  result.head = stored;
  const storedSeq = stored?.seq ?? 0;
  const externalHeads = await checkExternalHeads(deps.records, accountId, anchors, storedSeq);
  // The furthest record anything outside the records proves was written: the newest signed checkpoint, or an anchor.
  const provenSeq = Math.max(0, ...checkpoints.map((c) => c.seq), ...externalHeads.map((head) => (head.status === 'missing' ? head.seq : 0)));
  const missing = provenSeq > storedSeq ? { fromSeq: storedSeq + 1, toSeq: provenSeq } : null;
  const fault = externalFault(externalHeads, missing);
  if (fault && (result.valid || fault.seq < (result.firstInvalidSeq ?? Infinity))) Object.assign(result, { valid: false, firstInvalidSeq: fault.seq, reason: fault.reason });
  return { ...result, checkpoint, unanchored: Math.max(0, storedSeq - (checkpoint?.seq ?? 0)), externalHeads, missing };
}

/** Each producer's anchor against the stored log (at most one read per anchor). */
async function checkExternalHeads(records: AuditRecordRepository, accountId: string, anchors: SourceAnchor[], storedSeq: number): Promise<ExternalHead[]> {
  return Promise.all(
    anchors.map(async (anchor): Promise<ExternalHead> => {
      if (anchor.status !== 'anchored') return { ...anchor, seq: null, anchoredAt: null };
      const { source, seq, anchoredAt } = anchor;
      if (seq > storedSeq) return { source, status: 'missing', seq, anchoredAt };
      const hash = await records.hashAt(accountId, seq);
      return { source, status: hash === anchor.hash ? 'present' : 'rewritten', seq, anchoredAt };
    }),
  );
}

/** The first thing the external heads show is wrong: a missing range (named) or a record replaced. */
function externalFault(heads: ExternalHead[], missing: AccountVerification['missing']): { seq: number; reason: string } | undefined {
  const rewritten = heads.filter((head) => head.status === 'rewritten').sort((a, b) => (a as { seq: number }).seq - (b as { seq: number }).seq)[0];
  const gone = heads.filter((head) => head.status === 'missing');
  if (missing && gone.length > 0) {
    const witnesses = gone.map((head) => `${head.source} saw seq ${(head as { seq: number }).seq} recorded at ${(head as { anchoredAt: string }).anchoredAt}`).join('; ');
    return { seq: missing.fromSeq, reason: `records ${missing.fromSeq} to ${missing.toSeq} are missing: ${witnesses}` };
  }
  if (rewritten?.status === 'rewritten') {
    return { seq: rewritten.seq, reason: `record ${rewritten.seq} is not the record ${rewritten.source} saw recorded at ${rewritten.anchoredAt}: the log was cut and written again` };
  }
  return undefined;
}

function treeFailure(signer: CheckpointSigner, accountId: string, signed: NonNullable<Awaited<ReturnType<AuditCheckpointRepository['all']>>[number]>, root: Buffer | undefined): string | undefined {
  const origin = auditLogOrigin(accountId);
  try {
    const key = signer.keyring.noteVerifierKey(signed.keyId, origin);
    if (!key) return `the checkpoint at seq ${signed.seq} is signed by an unknown key (key id ${signed.keyId})`;
    const { checkpoint } = transparency.openCheckpoint(signed.note as string, [key], { origin });
    if (checkpoint.size !== signed.treeSize || checkpoint.rootHash.toString('base64') !== signed.rootHash) return `the checkpoint at seq ${signed.seq} does not say what its note signs`;
    if (!root || !root.equals(checkpoint.rootHash)) return `the records up to seq ${signed.seq} do not give the signed tree root: records behind the checkpoint changed`;
  } catch (error) {
    return `the checkpoint note at seq ${signed.seq} does not verify (${(error as Error).message})`;
  }
  return undefined;
}
