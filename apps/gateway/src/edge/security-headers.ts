import type { ServerResponse } from 'node:http';
import helmet from 'helmet';
import type { RequestHandler } from 'express';

/**
 * The API answers JSON only, so its pages may load nothing and be framed by no one. Pages that
 * render HTML (/docs, /console) set their own, looser policy on top.
 */
export const API_HELMET_OPTIONS: Parameters<typeof helmet>[0] = {
  contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
  crossOriginResourcePolicy: { policy: 'same-origin' },
  hsts: { maxAge: 31_536_000, includeSubDomains: true },
  referrerPolicy: { policy: 'no-referrer' },
};
const apiHelmet = helmet(API_HELMET_OPTIONS);

/**
 * What helmet does to an API response, worked out once: the headers it sets, as name/value pairs,
 * and those it removes. They depend on its options alone, and running its thirteen middlewares on
 * every request cost more than the headers.
 */
const { set: helmetSets, removed: helmetRemoves } = (() => {
  const headers = new Map<string, string>();
  const removed = new Set<string>();
  const recorder = {
    setHeader: (name: string, value: unknown) => {
      headers.set(name, String(value));
      removed.delete(name);
    },
    removeHeader: (name: string) => {
      headers.delete(name);
      removed.add(name);
    },
  };
  let finished = false;
  apiHelmet({} as never, recorder as never, (error?: unknown) => {
    if (error) throw error;
    finished = true;
  });
  // Helmet sets its headers synchronously; a version that did not would leave a response without them.
  if (!finished) throw new Error('helmet did not finish synchronously');
  return { set: [...headers], removed: [...removed] };
})();

export const API_SECURITY_HEADERS: readonly (readonly [string, string])[] = Object.freeze(helmetSets.map(([name, value]) => Object.freeze([name, value] as const)));

export function setApiSecurityHeaders(res: ServerResponse): void {
  for (const name of helmetRemoves) res.removeHeader(name);
  for (const [name, value] of API_SECURITY_HEADERS) res.setHeader(name, value);
}

export function apiSecurityHeaders(): RequestHandler {
  return (_req, res, next) => {
    setApiSecurityHeaders(res);
    next();
  };
}
