import type { Request, Response } from 'express';
import type { Logger } from '@warden/config';

/** Writes one request's access line: its id, method, URL, client address, status and duration. */
export type AccessLine = (req: Request, res: Response, durationMs: number, remoteAddress: string | undefined) => void;

/**
 * One line per request, written when the response ends: `error` level for 5xx, `warn` when the
 * client hung up first. It is every service's hottest log call, so it builds one small object and
 * no per-request child logger (pino-http's default cost about a sixth of the gateway's CPU per
 * request), and it skips redaction: an access line has fixed fields and never a header or body,
 * and walking the redaction paths doubled the cost of the line.
 */
export function accessLine(logger: Logger): AccessLine {
  const lines = logger.child({}, { redact: [] });
  return (req, res, durationMs, remoteAddress) => {
    const entry = {
      reqId: res.locals.requestId,
      req: { method: req.method, url: req.originalUrl, remoteAddress },
      res: { statusCode: res.statusCode },
      responseTime: Math.round(durationMs),
    };
    if (!res.writableFinished) lines.warn(entry, 'request aborted');
    else if (res.statusCode >= 500) lines.error(entry, 'request errored');
    else lines.info(entry, 'request completed');
  };
}
