import { Router } from 'express';
import { loadOpenApiDocument } from '@warden/contracts-api';
import { AppError, OpenApiValidator, identityOf, ok, requireScope } from '@warden/http';
import type { VerificationJobs } from '../../domain/verification-jobs.use-case';

/**
 * `POST /audit/verifications` starts a full verification of the caller's log as a job (`202`, its
 * URL in `Location`); `GET /audit/verifications/{id}` shows its progress and, once done, the same
 * result as `GET /audit/verify`. Another account's job is a `404`.
 */
export function verificationRoutes({ jobs }: { jobs: VerificationJobs }, validator = new OpenApiValidator(loadOpenApiDocument())): Router {
  const router = Router();
  const scope = requireScope('audit:read');

  router.post('/api/v1/audit/verifications', scope, validator.validate('createAuditVerification'), async (req, res) => {
    const job = await jobs.start(identityOf(req).accountId);
    res.status(202).location(`/api/v1/audit/verifications/${job.id}`).json(ok(job, ['The verification has started.']));
  });

  router.get('/api/v1/audit/verifications/:id', scope, validator.validate('getAuditVerification'), async (req, res) => {
    const job = await jobs.get(identityOf(req).accountId, String(req.params.id));
    if (!job) throw AppError.notFound('No verification with this id exists for this account.');
    res.json(ok(job));
  });
  return router;
}
