import type { Request, Response } from 'express';
import type { Identity } from '@warden/http';

/**
 * Establishes who is calling from the request's credentials. Implementations throw AppError
 * (401 unknown/expired/revoked, 403 IP allowlist, 429 rate limit) and may set response headers.
 */
export interface Authenticator {
  authenticate(req: Request, res: Response): Promise<Identity>;
  close?(): Promise<void>;
}
