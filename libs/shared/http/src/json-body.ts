import express, { type RequestHandler, type Response } from 'express';
import { AppError } from './app-error';
import { bodyDigest, EMPTY_BODY_DIGEST } from './internal-identity';

const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

const MOVED = 'The request body is not the one its identity was minted for.';

/**
 * JSON bodies only: anything else that carries bytes is a 415, an oversized one a 413. With
 * `checkDigest`, the raw bytes must have the digest that the request's identity binds
 * (`res.locals.bodyDigest`), checked before they are parsed; a request without a body must have
 * been minted for an empty one. So an identity moved onto another body is refused (401).
 */
export function jsonBody({ limit = '64kb', checkDigest = false }: { limit?: string; checkDigest?: boolean } = {}): RequestHandler {
  const parse = express.json({
    limit,
    strict: true,
    type: ['application/json', 'application/*+json'],
    verify: checkDigest
      ? (_req, res, raw) => {
          const locals = (res as unknown as { locals: Record<string, unknown> }).locals;
          if (bodyDigest(raw) !== locals.bodyDigest) throw AppError.unauthorized(MOVED);
          locals.bodyChecked = true;
        }
      : undefined,
  });
  // A body the parser did not read (none, or not JSON on a method that ignores it) counts as empty.
  const digestChecked = (res: Response) =>
    !checkDigest || res.locals.bodyChecked || res.locals.bodyDigest === EMPTY_BODY_DIGEST ? undefined : AppError.unauthorized(MOVED);
  // One middleware, not three: a request that declares no body at all (most of them) skips the
  // parser altogether.
  return (req, res, next) => {
    const declared = req.headers['content-length'];
    const chunked = req.headers['transfer-encoding'] !== undefined;
    if (declared === undefined && !chunked) {
      next(digestChecked(res));
      return;
    }
    if (METHODS_WITH_BODY.has(req.method) && (Number(declared ?? 0) > 0 || chunked) && !req.is(['application/json', 'application/*+json'])) {
      next(AppError.unsupportedMediaType());
      return;
    }
    parse(req, res, (error?: unknown) => next(error ?? digestChecked(res)));
  };
}
