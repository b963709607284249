import type { ServerResponse } from 'node:http';
import helmet from 'helmet';
import type { RequestHandler } from 'express';

/**
 * The API answers JSON only, so its pages may load nothing and be framed by no one. Pages that
 * render HTML (/docs, /console) set their own, looser policy on top.
 */
const apiHelmet = helmet({
  contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
  crossOriginResourcePolicy: { policy: 'same-origin' },
  hsts: { maxAge: 31_536_000, includeSubDomains: true },
  referrerPolicy: { policy: 'no-referrer' },
});

/**
 * Helmet's headers for the API as name/value pairs, worked out once: they depend on its options
 * alone, and running its thirteen middlewares on every request cost more than the headers.
 */
export const API_SECURITY_HEADERS: readonly (readonly [string, string])[] = (() => {
  const headers = new Map<string, string>();
  const recorder = {
    setHeader: (name: string, value: unknown) => headers.set(name, String(value)),
    removeHeader: (name: string) => headers.delete(name),
  };
  let finished = false;
  apiHelmet({} as never, recorder as never, (error?: unknown) => {
    if (error) throw error;
    finished = true;
  });
  // Helmet sets its headers synchronously; a version that did not would leave a response without them.
  if (!finished) throw new Error('helmet did not finish synchronously');
  return Object.freeze([...headers].map(([name, value]) => Object.freeze([name, value] as const)));
})();

export function setApiSecurityHeaders(res: ServerResponse): void {
  for (const [name, value] of API_SECURITY_HEADERS) res.setHeader(name, value);
}

export function apiSecurityHeaders(): RequestHandler {
  return (_req, res, next) => {
    setApiSecurityHeaders(res);
    next();
  };
}
