import express, { type RequestHandler } from 'express';
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
export function jsonBody({ limit = '64kb', checkDigest = false }: { limit?: string; checkDigest?: boolean } = {}): RequestHandler[] {
  const requireJson: RequestHandler = (req, _res, next) => {
    const hasBody = Number(req.get('content-length') ?? 0) > 0 || req.get('transfer-encoding') !== undefined;
    if (METHODS_WITH_BODY.has(req.method) && hasBody && !req.is(['application/json', 'application/*+json'])) {
      next(AppError.unsupportedMediaType());
      return;
    }
    next();
  };
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
  if (!checkDigest) return [requireJson, parse];
  // A body the parser did not read (none, or not JSON on a method that ignores it) counts as empty.
  const requireDigest: RequestHandler = (_req, res, next) => {
    next(res.locals.bodyChecked || res.locals.bodyDigest === EMPTY_BODY_DIGEST ? undefined : AppError.unauthorized(MOVED));
  };
  return [requireJson, parse, requireDigest];
}
