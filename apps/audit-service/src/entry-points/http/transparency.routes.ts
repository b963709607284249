import { Router } from 'express';
import { loadOpenApiDocument } from '@warden/contracts-api';
import { AppError, OpenApiValidator, identityOf, ok, requireScope, validatedQuery } from '@warden/http';
import type { Checkpointer } from '../../domain/checkpoint.use-case';
import type { VerificationJobs } from '../../domain/verification-jobs.use-case';
import { LATE, withinDeadline } from './deadline';
import { verifyAccountChain, type VerifyChainDeps } from '../../domain/verify-chain.use-case';
import {
  CosignatureError,
  ProofRequestError,
  addCosignature,
  checkpointKeys,
  consistencyProofOf,
  inclusionProofOf,
  latestTreeCheckpoint,
  toTreeCheckpointView,
  UntrustedCheckpointError,
  type TransparencyDeps,
} from '../../domain/transparency.use-case';

export type TransparencyRoutesDeps = TransparencyDeps & VerifyChainDeps & { checkpointer: Checkpointer; jobs: VerificationJobs; verifyDeadlineMs: number };

/** A stored checkpoint that does not verify under the key its key id names is never served (409). */
function untrusted(error: unknown): never {
  if (error instanceof UntrustedCheckpointError) throw new AppError({ status: 409, title: 'Conflict', detail: error.message });
  throw error;
}

function proofError(error: unknown): never {
  if (error instanceof ProofRequestError) {
    if (error.kind === 'invalid') throw AppError.badRequest('The query string is invalid.', [{ path: error.path ?? 'query', message: error.message }]);
    throw AppError.notFound(error.message);
  }
  untrusted(error);
}

/**
 * The verifiable log of DESIGN.md §2 "Audit activity": signed tree heads (C2SP checkpoints), RFC
 * 9162 inclusion and consistency proofs, and the keys that verify them, for the caller's account only.
 */
export function transparencyRoutes(deps: TransparencyRoutesDeps, validator = new OpenApiValidator(loadOpenApiDocument())): Router {
  const router = Router();
  const scope = requireScope('audit:read');

  router.get('/api/v1/audit/checkpoints/latest', scope, validator.validate('getLatestAuditCheckpoint'), async (req, res) => {
    const latest = await latestTreeCheckpoint(deps, identityOf(req).accountId).catch(untrusted);
    if (!latest) throw AppError.notFound('No signed checkpoint of this account exists yet.');
    res.json(ok(latest));
  });

  router.post('/api/v1/audit/checkpoints', scope, validator.validate('createAuditCheckpoint'), async (req, res) => {
    const accountId = identityOf(req).accountId;
    // Everything is verified first (the whole chain against its checkpoints, its tree against the
    // signed note), then the tree is extended from the last signed one with the records since.
    let checked = 0;
    let verification: ReturnType<typeof verifyAccountChain> | undefined;
    const verifyChain = async () => {
      verification = verifyAccountChain(deps, accountId, { onRecord: () => void checked++ });
      const chain = await verification;
      return chain.valid ? undefined : { seq: chain.firstInvalidSeq ?? 1, reason: chain.reason ?? 'the chain failed verification' };
    };
    const attempt = deps.checkpointer.attempt(accountId, { verifyChain });
    const outcome = await withinDeadline(attempt, deps.verifyDeadlineMs);
    if (outcome === LATE) {
      // Signed once the verification, which goes on as a job, finds the log valid (a refusal is the job's result to show).
      attempt.catch(() => undefined);
      const job = await deps.jobs.start(accountId, verification && { result: verification, checked: () => checked });
      res
        .status(202)
        .location(`/api/v1/audit/verifications/${job.id}`)
        .json(ok(job, ['Verifying this trail takes longer than one request: the checkpoint is signed once the verification job finds it valid; follow Location.']));
      return;
    }
    if (outcome.kind === 'refused') {
      const { seq, reason } = outcome.refusal;
      throw new AppError({ status: 409, title: 'Conflict', detail: `The audit log failed verification at seq ${seq}: ${reason}. No checkpoint was signed.` });
    }
    const checkpoint = outcome.kind === 'signed' ? outcome.checkpoint : await deps.checkpoints.latestTree(accountId);
    if (!checkpoint?.note) throw AppError.notFound('This account has no audit records to checkpoint.');
    res.status(200).json(ok(toTreeCheckpointView(checkpoint), [outcome.kind === 'signed' ? 'A new checkpoint was signed.' : 'Nothing new to sign: this is the latest checkpoint.']));
  });

  // A witness hands in its cosignature of one of the account's checkpoints (DESIGN.md §2: a witness scope).
  router.post('/api/v1/audit/checkpoints/:treeSize/cosignatures', requireScope('audit:witness'), validator.validate('createAuditCosignature'), async (req, res) => {
    const treeSize = Number(req.params.treeSize);
    const { created, cosignature } = await addCosignature(deps, identityOf(req).accountId, treeSize, req.body as { cosignature: string; witness: string }).catch((error: unknown) => {
      if (!(error instanceof CosignatureError)) untrusted(error);
      if (error.kind === 'not-found') throw AppError.notFound(error.message);
      throw AppError.badRequest('The cosignature was refused.', [{ path: error.path ?? 'body', message: error.message }]);
    });
    if (created) res.status(201).json(ok(cosignature));
    else res.status(200).json(ok(cosignature, ['This witness key had already cosigned this checkpoint.']));
  });

  router.get('/api/v1/audit/proofs/inclusion', scope, validator.validate('getAuditInclusionProof'), async (req, res) => {
    const { seq, treeSize } = validatedQuery<{ seq: number; treeSize?: number }>(res);
    const proof = await inclusionProofOf(deps, identityOf(req).accountId, seq, treeSize).catch(proofError);
    res.json(ok(proof));
  });

  router.get('/api/v1/audit/proofs/consistency', scope, validator.validate('getAuditConsistencyProof'), async (req, res) => {
    const { from, to } = validatedQuery<{ from: number; to?: number }>(res);
    const proof = await consistencyProofOf(deps, identityOf(req).accountId, from, to).catch(proofError);
    res.json(ok(proof));
  });

  router.get('/api/v1/audit/keys', scope, validator.validate('listAuditKeys'), async (req, res) => {
    res.json(ok({ keys: await checkpointKeys(deps, identityOf(req).accountId) }));
  });

  return router;
}
