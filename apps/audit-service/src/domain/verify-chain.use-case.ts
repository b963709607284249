import { ChainVerifier, auditLogOrigin, transparency, type ChainHead, type ChainVerification, type CheckpointSigner } from '@warden/audit-client';
import { toAuditRecord, type AuditCheckpointRepository, type AuditRecordDoc, type AuditRecordRepository } from '@warden/audit-data-access';
import type { RecordSealer } from '@warden/audit-feature';

export interface VerifyChainDeps {
  records: AuditRecordRepository;
  checkpoints: AuditCheckpointRepository;
  signer: CheckpointSigner;
  sealer: RecordSealer;
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
  checkpoint: (NonNullable<ChainVerification['checkpoint']> & { treeSize?: number; rootHash?: string }) | null;
  /** Records after the checkpoint (all of them without one): not yet covered by any signature. */
  unanchored: number;
}

/**
 * Recomputes an account's whole chain from the stored canonical texts (see `walkStoredChain`), then
 * checks it against every signed checkpoint (a deleted tail or a rewritten chain cannot match them),
 * and the Merkle tree of its records against the newest signed note (its signature, origin, size and root).
 */
export async function verifyAccountChain(deps: VerifyChainDeps, accountId: string): Promise<AccountVerification> {
  // Checkpoints first: every one of them covers records that exist before the chain is read.
  const checkpoints = await deps.checkpoints.all(accountId);
  const signedTree = [...checkpoints].reverse().find((checkpoint) => checkpoint.note !== undefined);
  let range = transparency.CompactRange.empty();
  let treeRoot: Buffer | undefined;
  const visit = (doc: AuditRecordDoc) => {
    if (!signedTree || range.size >= (signedTree.treeSize ?? 0)) return;
    range = range.append(Buffer.from(doc.hash, 'hex')).range;
    if (range.size === signedTree.treeSize) treeRoot = range.root();
  };
  const verifier = await walkStoredChain(deps, accountId, { visit });
  const result = verifier.finish(checkpoints, deps.signer.publicKey, accountId);
  let checkpoint: AccountVerification['checkpoint'] = result.checkpoint;
  if (result.valid && signedTree) {
    const failure = treeFailure(deps.signer, accountId, signedTree, treeRoot);
    if (failure) Object.assign(result, { valid: false, firstInvalidSeq: signedTree.seq, reason: failure });
    else if (checkpoint?.seq === signedTree.seq) checkpoint = { ...checkpoint, treeSize: signedTree.treeSize, rootHash: signedTree.rootHash };
  }
  if (!result.valid) result.head = await deps.records.head(accountId);
  return { ...result, checkpoint, unanchored: Math.max(0, (result.head?.seq ?? 0) - (checkpoint?.seq ?? 0)) };
}

function treeFailure(signer: CheckpointSigner, accountId: string, signed: NonNullable<Awaited<ReturnType<AuditCheckpointRepository['all']>>[number]>, root: Buffer | undefined): string | undefined {
  const origin = auditLogOrigin(accountId);
  try {
    const { checkpoint } = transparency.openCheckpoint(signed.note as string, [signer.noteVerifierKey(origin)], { origin });
    if (checkpoint.size !== signed.treeSize || checkpoint.rootHash.toString('base64') !== signed.rootHash) return `the checkpoint at seq ${signed.seq} does not say what its note signs`;
    if (!root || !root.equals(checkpoint.rootHash)) return `the records up to seq ${signed.seq} do not give the signed tree root: records behind the checkpoint changed`;
  } catch (error) {
    return `the checkpoint note at seq ${signed.seq} does not verify (${(error as Error).message})`;
  }
  return undefined;
}
