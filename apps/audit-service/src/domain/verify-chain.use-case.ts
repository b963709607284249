import { ChainVerifier, type ChainHead, type ChainVerification, type CheckpointSigner } from '@warden/audit-client';
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
 */
export async function walkStoredChain(
  { records, sealer }: Pick<VerifyChainDeps, 'records' | 'sealer'>,
  accountId: string,
  { from, throughSeq }: { from?: ChainHead; throughSeq?: number } = {},
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
    }
  } finally {
    await cursor.close();
  }
  return verifier;
}

/**
 * Recomputes an account's whole chain from the stored canonical texts (see `walkStoredChain`), then
 * checks it against every signed checkpoint (a deleted tail or a rewritten chain cannot match them).
 */
export async function verifyAccountChain(deps: VerifyChainDeps, accountId: string): Promise<ChainVerification> {
  // Checkpoints first: every one of them covers records that exist before the chain is read.
  const checkpoints = await deps.checkpoints.all(accountId);
  const verifier = await walkStoredChain(deps, accountId);
  const result = verifier.finish(checkpoints, deps.signer.publicKey, accountId);
  if (!result.valid) result.head = await deps.records.head(accountId);
  return result;
}
