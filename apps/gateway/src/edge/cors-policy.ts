import cors from 'cors';
import type { RequestHandler } from 'express';

/**
 * Cross-origin calls only from the origins an operator lists; none by default, because a
 * browser page on any other site has no business holding a Warden token.
 */
export function corsPolicy(allowedOrigins: string[]): RequestHandler {
  const allowed = new Set(allowedOrigins);
  return cors({
    origin: (origin, callback) => callback(null, origin !== undefined && allowed.has(origin)),
    methods: ['GET', 'POST', 'PATCH', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type', 'X-Request-Id'],
    exposedHeaders: ['RateLimit', 'RateLimit-Policy', 'Retry-After', 'X-Request-Id'],
    credentials: false,
    maxAge: 600,
  });
}
