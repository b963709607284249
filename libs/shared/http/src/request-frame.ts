import type { RequestHandler } from 'express';
import type { Logger } from '@warden/config';
import { accessLog } from './access-log';
import type { Metrics } from './ops-routes';
import { requestId } from './request-id';

/** Paths a load balancer or scraper polls: they are measured, never logged. */
const UNLOGGED = ['/healthz', '/readyz', '/metrics'];
const noop = () => undefined;

/**
 * What every request gets before anything else: its id (kept from a well-formed `X-Request-Id` or
 * minted), its access-log line and its latency metric. One middleware rather than three, because
 * each router layer costs a match and a `next` on every request.
 */
export function requestFrame(logger: Logger, metrics: Metrics): RequestHandler {
  const log = accessLog(logger, UNLOGGED);
  return (req, res, next) => {
    requestId(req, res, noop);
    log(req, res, noop);
    metrics.observe(req, res, next);
  };
}
