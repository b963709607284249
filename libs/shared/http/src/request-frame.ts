import { performance } from 'node:perf_hooks';
import type { RequestHandler } from 'express';
import type { Logger } from '@warden/config';
import { accessLine } from './access-log';
import type { Metrics } from './ops-routes';
import { requestId } from './request-id';

/** Paths a load balancer or scraper polls: they are measured, never logged. */
const UNLOGGED = new Set(['/healthz', '/readyz', '/metrics']);
const noop = () => undefined;

/**
 * What every request gets before anything else: its id (kept from a well-formed `X-Request-Id` or
 * minted), its latency metric once answered and its access-log line. One middleware and one
 * listener per request, rather than a router layer and a listener for each of the three.
 */
export function requestFrame(logger: Logger, metrics: Metrics): RequestHandler {
  const line = accessLine(logger);
  return (req, res, next) => {
    requestId(req, res, noop);
    const startedAt = performance.now();
    const remoteAddress = req.socket.remoteAddress; // the socket is detached by the time the response closes
    const logged = !UNLOGGED.has(req.url);
    res.once('close', () => {
      const durationMs = performance.now() - startedAt;
      if (res.writableFinished) metrics.recordResponse(req, res, durationMs / 1000);
      if (logged) line(req, res, durationMs, remoteAddress);
    });
    next();
  };
}
