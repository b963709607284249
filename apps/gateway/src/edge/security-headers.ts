import helmet from 'helmet';
import type { RequestHandler } from 'express';

/**
 * The API answers JSON only, so its pages may load nothing and be framed by no one. Pages that
 * render HTML (/docs, /console) set their own, looser policy on top.
 */
export function apiSecurityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
    crossOriginResourcePolicy: { policy: 'same-origin' },
    hsts: { maxAge: 31_536_000, includeSubDomains: true },
    referrerPolicy: { policy: 'no-referrer' },
  });
}
