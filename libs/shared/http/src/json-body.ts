import express, { type RequestHandler } from 'express';
import { AppError } from './app-error';

const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

/** JSON bodies only: anything else that carries bytes is a 415, an oversized one a 413. */
export function jsonBody({ limit = '64kb' }: { limit?: string } = {}): RequestHandler[] {
  const requireJson: RequestHandler = (req, _res, next) => {
    const hasBody = Number(req.get('content-length') ?? 0) > 0 || req.get('transfer-encoding') !== undefined;
    if (METHODS_WITH_BODY.has(req.method) && hasBody && !req.is(['application/json', 'application/*+json'])) {
      next(AppError.unsupportedMediaType());
      return;
    }
    next();
  };
  return [requireJson, express.json({ limit, strict: true, type: ['application/json', 'application/*+json'] })];
}
