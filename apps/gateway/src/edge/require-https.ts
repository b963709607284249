import type { RequestHandler } from 'express';
import { AppError } from '@warden/http';

/**
 * With REQUIRE_HTTPS a plain-HTTP request is refused before its token is even read, so a token
 * sent in clear is at least never accepted. `req.secure` is true for TLS terminated here, or for
 * `X-Forwarded-Proto: https` from a proxy that TRUST_PROXY names.
 */
export function requireHttps(enabled: boolean): RequestHandler {
  return (req, _res, next) => {
    next(enabled && !req.secure ? AppError.forbidden('HTTPS is required: resend this request over https://.') : undefined);
  };
}
