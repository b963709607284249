import { Router, type Request, type RequestHandler, type Response } from 'express';
import { loadOpenApiDocument } from '@warden/contracts-api';
import { LATE, withinDeadline } from './deadline';
import { AppError, OpenApiValidator, decodeCursor, encodeCursor, identityOf, list, ok, requireScope, validatedQuery } from '@warden/http';
import type { AuditType } from '@warden/contracts-events';
import type { CheckpointSigner } from '@warden/audit-client';
import { exportAuditLines, getAuditRecord, listAuditRecords, listCheckpoints, type ReadAuditDeps } from '../../domain/read-audit.use-case';
import { verifyAccountChain, type VerifyChainDeps } from '../../domain/verify-chain.use-case';
import type { VerificationJobs } from '../../domain/verification-jobs.use-case';

interface ListQuery {
  limit: number;
  cursor?: string;
  objectType?: string;
  auditType?: AuditType;
  objectId?: string;
  actor?: string;
  from?: string;
  to?: string;
}

export type AuditRoutesDeps = ReadAuditDeps & VerifyChainDeps & { signer: CheckpointSigner; jobs: VerificationJobs; verifyDeadlineMs: number };

function beforeSeq(cursor: string | undefined): number | undefined {
  if (cursor === undefined) return undefined;
  const { seq } = decodeCursor<{ seq: number }>(cursor, ['seq']);
  if (!Number.isInteger(seq) || seq < 1) throw AppError.badRequest('The cursor is invalid.', [{ path: 'query.cursor', message: 'is not a cursor this API issued' }]);
  return seq;
}

/**
 * An RFC 3339 date-time as a Date. A leap second (`23:59:60Z`, valid RFC 3339 that the contract
 * accepts) is one JavaScript cannot parse; it is taken as the instant that follows it.
 */
function instant(value: string): Date {
  const parsed = new Date(value);
  if (!Number.isNaN(parsed.getTime())) return parsed;
  const leap = /^(.*T\d\d:\d\d):60(\.\d+)?(.*)$/i.exec(value);
  const next = leap ? new Date(`${leap[1]}:59${leap[3]}`).getTime() + 1_000 : Number.NaN;
  if (Number.isNaN(next)) throw AppError.badRequest('The query string is invalid.', [{ path: 'query', message: `'${value}' is not a date-time` }]);
  return new Date(next);
}

/** Writes lines as they come, waiting for the socket to drain when its buffer is full. */
async function streamLines(res: Response, lines: AsyncIterable<string>): Promise<void> {
  let chunk = '';
  let first = true; // the first line goes at once: the client sees the export start
  for await (const line of lines) {
    if (res.destroyed) return;
    chunk += line;
    if (first || chunk.length >= 64 * 1024) {
      first = false;
      const flushed = res.write(chunk);
      chunk = '';
      if (!flushed) await writable(res);
    }
  }
  res.end(chunk);
}

/** Resolves once `res` drains or closes, leaving no listener behind (an export waits thousands of times). */
function writable(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/** Which chain a request reads: the caller's account's, or the platform's. */
export type ChainOf = (req: Request, res: Response) => string;

/** One page of a chain's records, newest first, filtered as the query says. */
export function listRecords(deps: ReadAuditDeps, chainOf: ChainOf): RequestHandler {
  return async (req, res) => {
    const query = validatedQuery<ListQuery>(res);
    const { items, nextBeforeSeq } = await listAuditRecords(
      deps,
      chainOf(req, res),
      {
        objectType: query.objectType,
        auditType: query.auditType,
        objectId: query.objectId,
        actor: query.actor,
        from: query.from ? instant(query.from) : undefined,
        to: query.to ? instant(query.to) : undefined,
      },
      { beforeSeq: beforeSeq(query.cursor), limit: query.limit },
    );
    res.json(list(items, nextBeforeSeq === null ? null : encodeCursor({ seq: nextBeforeSeq })));
  };
}

/** A chain as NDJSON, verifiable offline (`warden audit verify --file`). */
export function exportChain(deps: ReadAuditDeps, chainOf: ChainOf): RequestHandler {
  return async (req, res) => {
    const chain = chainOf(req, res);
    res.status(200).type('application/x-ndjson');
    res.setHeader('Content-Disposition', 'attachment; filename="audit-export.ndjson"');
    res.setHeader('Cache-Control', 'no-store');
    await streamLines(res, exportAuditLines(deps, chain));
  };
}

/** The public read API of DESIGN.md §2 "Audit activity": read, verify, export. Nothing here writes a record. */
export function auditRoutes(deps: AuditRoutesDeps, validator = new OpenApiValidator(loadOpenApiDocument())): Router {
  const router = Router();
  const scope = requireScope('audit:read');

  router.get('/api/v1/audit', scope, validator.validate('listAuditRecords'), listRecords(deps, (req) => identityOf(req).accountId));

  // Verified within the request up to the deadline; beyond it, the walk stops and goes on as a job.
  router.get('/api/v1/audit/verify', scope, validator.validate('verifyAuditChain'), async (req, res) => {
    const accountId = identityOf(req).accountId;
    let checked = 0;
    const verification = verifyAccountChain(deps, accountId, { onRecord: () => void checked++ });
    const result = await withinDeadline(verification, deps.verifyDeadlineMs);
    if (result === LATE) {
      // The walk goes on as a job, from where it is: nothing is read twice.
      const job = await deps.jobs.start(accountId, { result: verification, checked: () => checked });
      res
        .status(202)
        .location(`/api/v1/audit/verifications/${job.id}`)
        .json(ok(job, ['Verifying this trail takes longer than one request: it goes on as a verification job; follow Location.']));
      return;
    }
    const message = !result.valid ? 'The audit chain is invalid.' : result.head ? 'The audit chain is valid.' : 'The audit chain is empty.';
    res.json(ok(result, [message]));
  });

  router.get('/api/v1/audit/checkpoints', scope, validator.validate('listAuditCheckpoints'), async (req, res) => {
    const query = validatedQuery<{ limit: number; cursor?: string }>(res);
    const { items, nextBeforeSeq } = await listCheckpoints(deps, identityOf(req).accountId, { beforeSeq: beforeSeq(query.cursor), limit: query.limit });
    res.json({
      success: true,
      messages: [],
      data: { publicKey: deps.signer.publicKeyPem, checkpoints: items },
      meta: { nextCursor: nextBeforeSeq === null ? null : encodeCursor({ seq: nextBeforeSeq }) },
    });
  });

  router.get('/api/v1/audit/export', scope, validator.validate('exportAuditRecords'), exportChain(deps, (req) => identityOf(req).accountId));

  router.get('/api/v1/audit/:id', scope, validator.validate('getAuditRecord'), async (req, res) => {
    const record = await getAuditRecord(deps, identityOf(req).accountId, String(req.params.id));
    if (!record) throw AppError.notFound('No audit record with this id exists.');
    res.json(ok(record));
  });

  return router;
}
