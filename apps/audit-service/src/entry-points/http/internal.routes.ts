import { Router } from 'express';
import { z } from 'zod';
import { AppError, identityOf, ok } from '@warden/http';
import type { Checkpointer } from '../../domain/checkpoint.use-case';

const checkpointRequest = z.object({ accountId: z.string().min(1).max(100).optional() }).strict();

/**
 * Internal-only operations, never proxied by the gateway and accepted only from an internal
 * service identity: `POST /internal/v1/audit/checkpoints` signs heads on demand (one account, or
 * every account whose head moved).
 */
export function internalRoutes({ checkpointer }: { checkpointer: Checkpointer }): Router {
  const router = Router();
  router.post('/internal/v1/audit/checkpoints', async (req, res) => {
    if (identityOf(req).kind !== 'service') throw AppError.forbidden('Only internal services may request checkpoints.');
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
