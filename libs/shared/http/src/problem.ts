import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import type { Logger } from '@warden/config';
import { AppError } from './app-error';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/**
 * The bounds the contract states for a problem (`Problem`, `ValidationError`): a path can carry a
 * client's own field or query parameter name, and a body with thousands of unknown fields would
 * otherwise answer with thousands of errors.
 */
export const PROBLEM_LIMITS = { detail: 8192, errors: 100, path: 1024, message: 8192 } as const;

/** At most `max` characters (code points, as JSON Schema counts them), never half of a surrogate pair. */
function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const characters = Array.from(text);
  return characters.length <= max ? text : `${characters.slice(0, max - 1).join('')}…`;
}

export function sendProblem(res: Response, error: AppError, extra: Record<string, unknown> = {}): void {
  for (const [name, value] of Object.entries(error.headers ?? {})) res.setHeader(name, value);
  const detail = clip(error.message, PROBLEM_LIMITS.detail);
  const errors = error.errors
    ?.slice(0, PROBLEM_LIMITS.errors)
    .map((e) => ({ path: clip(e.path, PROBLEM_LIMITS.path), message: clip(e.message, PROBLEM_LIMITS.message) }));
  const body: Record<string, unknown> = {
    type: error.type,
    title: error.title,
    status: error.status,
    detail,
    success: false,
    messages: [detail, ...(errors ?? []).map((e) => `${e.path}: ${e.message}`)],
    ...(errors ? { errors } : {}),
    ...(res.locals.requestId ? { requestId: res.locals.requestId } : {}),
    ...extra,
  };
  res.status(error.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
}

/** Maps the errors that Express' body parser raises to the problems a client can act on. */
function fromBodyParser(error: { type?: string; status?: number }): AppError | undefined {
  switch (error.type) {
    case 'entity.parse.failed':
      return AppError.badRequest('The request body is not valid JSON.');
    case 'entity.too.large':
      return AppError.payloadTooLarge();
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return AppError.unsupportedMediaType('The request body must be UTF-8 encoded JSON.');
    default:
      return undefined;
  }
}

/**
 * Errors Express raises for the client's mistakes, with a 4xx status of their own. A path parameter
 * that is not valid percent-encoding (`/credentials/%ZZ`) cannot name an object: 404, as for any
 * path id that names nothing.
 */
function fromFramework(error: { status?: unknown; statusCode?: unknown; expose?: boolean; message?: string }): AppError | undefined {
  const status = error?.status ?? error?.statusCode;
  if (typeof status !== 'number' || status < 400 || status > 499) return undefined;
  if (error instanceof URIError) return AppError.notFound();
  const title = STATUS_CODES[status] ?? 'Bad Request';
  return new AppError({ status, title, detail: error.expose && error.message ? error.message : `${title}.` });
}

/** The one error path of every app: known errors as problem+json, the rest as 500 with an errorId. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const known = error instanceof AppError ? error : (fromBodyParser(error) ?? fromFramework(error));
    if (res.headersSent) {
      logger.error({ err: error, requestId: res.locals.requestId }, 'error after the response started');
      res.destroy();
      return;
    }
    if (known) {
      if (known.status >= 500) logger.warn({ requestId: res.locals.requestId, status: known.status }, known.message);
      sendProblem(res, known);
      return;
    }
    const errorId = randomUUID();
    logger.error({ err: error, errorId, requestId: res.locals.requestId, method: req.method, path: req.path }, 'unexpected error');
    sendProblem(
      res,
      new AppError({ status: 500, title: 'Internal Server Error', detail: `An unexpected error occurred (error id ${errorId}).` }),
      { errorId },
    );
  };
}

export const notFoundHandler: RequestHandler = (_req, _res, next) => next(AppError.notFound('No such route.'));
