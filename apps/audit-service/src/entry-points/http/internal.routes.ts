import { Router } from 'express';
import { z } from 'zod';
import { AppError, acceptCallers, ok } from '@warden/http';
import type { AuditRecordRepository } from '@warden/audit-data-access';
import type { Checkpointer } from '../../domain/checkpoint.use-case';

const checkpointRequest = z.object({ accountId: z.string().min(1).max(100).optional() }).strict();
/** At most 500 ids a question: what `recordedEventsClient` (`@warden/queue`) sends at once. */
const recordedRequest = z.object({ eventIds: z.array(z.string().min(1).max(100)).min(1).max(500) }).strict();

/**
 * Internal-only operations, never proxied by the gateway: `POST /internal/v1/audit/checkpoints`
 * signs heads on demand (one account, or every account whose head moved), for the operator CLI
 * only (an identity minted with a `cli>audit-service` key). `POST /internal/v1/audit/recorded`
 * tells the producers (and the CLI) which of the event ids they published are recorded, so that
 * their outbox relays remove exactly those, and names the newest of those records per account
 * (seq and hash, nothing of the content) for the producer to keep as its anchor of the log.
 */
export function internalRoutes({ checkpointer, records }: { checkpointer: Checkpointer; records: AuditRecordRepository }): Router {
  const router = Router();
  router.post('/internal/v1/audit/recorded', acceptCallers('token-service', 'credential-service', 'cli'), async (req, res) => {
    const parsed = recordedRequest.safeParse(req.body ?? {});
    if (!parsed.success) {
      throw AppError.badRequest(
        'The request body is invalid.',
        parsed.error.issues.map((issue) => ({ path: ['body', ...issue.path].join('.'), message: issue.message })),
      );
    }
    const asked = new Set(parsed.data.eventIds);
    const found = (await records.recordedEvents([...asked])).filter((event) => asked.has(event.eventId));
    // The newest of these records per account: the producer keeps it as its anchor (a head outside this database).
    const heads = new Map<string, { accountId: string; seq: number; hash: string }>();
    for (const { accountId, seq, hash } of found) if ((heads.get(accountId)?.seq ?? 0) < seq) heads.set(accountId, { accountId, seq, hash });
    const recorded = found.map((event) => event.eventId);
    res.status(200).json(ok({ recorded, heads: [...heads.values()] }, [`${recorded.length} of ${asked.size} event(s) recorded.`]));
  });
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
