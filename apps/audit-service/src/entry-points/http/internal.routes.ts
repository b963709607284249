import { Router } from 'express';
import { z } from 'zod';
import { AppError, acceptCallers, ok } from '@warden/http';
import type { Checkpointer } from '../../domain/checkpoint.use-case';

const checkpointRequest = z.object({ accountId: z.string().min(1).max(100).optional() }).strict();

/**
 * Internal-only operations, never proxied by the gateway: `POST /internal/v1/audit/checkpoints`
 * signs heads on demand (one account, or every account whose head moved), for the operator CLI
 * only (an identity minted with a `cli>audit-service` key).
 */
export function internalRoutes({ checkpointer }: { checkpointer: Checkpointer }): Router {
  const router = Router();
  router.post('/internal/v1/audit/checkpoints', acceptCallers('cli'), async (req, res) => {
    const parsed = checkpointRequest.safeParse(req.body ?? {});
    if (!parsed.success) {
      throw AppError.badRequest(
        'The request body is invalid.',
        parsed.error.issues.map((issue) => ({ path: ['body', ...issue.path].join('.'), message: issue.message })),
      );
    }
    const { accountId } = parsed.data;
    const signed = accountId ? [await checkpointer.checkpoint(accountId)].filter((c) => c !== null) : await checkpointer.sweep();
    res.status(200).json(ok({ checkpoints: signed }, [`${signed.length} checkpoint(s) signed.`]));
  });
  return router;
}
