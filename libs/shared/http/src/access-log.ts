import { performance } from 'node:perf_hooks';
import type { RequestHandler } from 'express';
import type { Logger } from '@warden/config';

/**
 * One line per request, written when the response ends: the request id, method, URL, client
 * address, status and duration; `error` level for 5xx, `warn` when the client hung up first. It is
 * every service's hottest log call, so it builds one small object and no per-request child logger
 * (pino-http's default cost about a sixth of the gateway's CPU per request).
 */
export function accessLog(logger: Logger, ignore: readonly string[] = []): RequestHandler {
  const skip = new Set(ignore);
  // An access line has fixed fields and never a header or body, so nothing in it is redacted: the
  // redaction paths (walked on every line) doubled the cost of the line.
  const lines = logger.child({}, { redact: [] });
  return (req, res, next) => {
    if (skip.has(req.url)) {
      next();
      return;
    }
    const start = performance.now();
    const remoteAddress = req.socket.remoteAddress; // the socket is detached by the time the response closes
    res.once('close', () => {
      const entry = {
        reqId: res.locals.requestId,
        req: { method: req.method, url: req.originalUrl, remoteAddress },
        res: { statusCode: res.statusCode },
        responseTime: Math.round(performance.now() - start),
      };
      if (!res.writableFinished) lines.warn(entry, 'request aborted');
      else if (res.statusCode >= 500) lines.error(entry, 'request errored');
      else lines.info(entry, 'request completed');
    });
    next();
  };
}
