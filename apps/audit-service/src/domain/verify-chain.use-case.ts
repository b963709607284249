import { ChainVerifier, type ChainVerification, type CheckpointSigner } from '@warden/audit-client';
import { toAuditRecord, type AuditCheckpointRepository, type AuditRecordDoc, type AuditRecordRepository } from '@warden/audit-data-access';
import { sealCheck } from './checkpoint.use-case';
import type { RecordSealer } from './record-seal';

export interface VerifyChainDeps {
  records: AuditRecordRepository;
  checkpoints: AuditCheckpointRepository;
  signer: CheckpointSigner;
  sealer: RecordSealer;
}

/**
 * Recomputes an account's chain from the stored canonical texts: each record's hash, that its
 * fields say what was hashed, its seal, the prevHash links and seq continuity from 1; then checks
 * it against every signed checkpoint (a deleted tail or a rewritten chain cannot match them).
 */
export async function verifyAccountChain(deps: VerifyChainDeps, accountId: string): Promise<ChainVerification> {
  // Checkpoints first: every one of them covers records that exist before the chain is read.
  const checkpoints = await deps.checkpoints.all(accountId);
  let current!: AuditRecordDoc;
  const verifier = new ChainVerifier(undefined, sealCheck(accountId, deps.sealer, () => current));
  const cursor = deps.records.streamChain(accountId);
  try {
    for await (const doc of cursor) {
      current = doc;
      if (!verifier.push(toAuditRecord(doc))) break;
    }
  } finally {
    await cursor.close();
  }
  const result = verifier.finish(checkpoints, deps.signer.publicKey, accountId);
  if (!result.valid) result.head = await deps.records.head(accountId);
  return result;
}
