import { Router } from 'express';
import { AppError, GATEWAY, acceptCallers, identityOf, ok, sendProblem } from '@warden/http';
import type { VerificationFailure, VerifyApiToken } from '../../domain/verify-api-token.use-case';
import { tokenLimitsView } from './api-token.view';

/** The one internal route: the gateway's cache miss. Its body holds a secret, so it is never logged. */
export const INTERNAL_VERIFY_PATH = '/internal/v1/tokens/verify';

const DETAIL: Record<VerificationFailure, string> = {
  malformed: 'The API token is malformed.',
  checksum: 'The API token is malformed (checksum mismatch).',
  unknown: 'The API token is unknown.',
  revoked: 'The API token is revoked.',
  rotated: 'The API token was rotated; its previous secret no longer works.',
  disabled: 'The API token is disabled.',
  expired: 'The API token is expired.',
  account_disabled: "The API token's account is disabled.",
};

/** What the gateway caches for a verified secret. */
export interface InternalVerification {
  tokenId: string;
  accountId: string;
  name: string;
  type: 'api' | 'service' | 'platform';
  scopes: string[];
  allowedIps: string[];
  expiresAt: string | null;
  rateLimit: { limit: number; windowSeconds: number } | null;
  authVersion: number;
  /** When the presented secret stops working: the end of a rotation's grace period, else null. */
  secretExpiresAt: string | null;
  /** The account's revision as read, and the quota all its tokens share (null: the gateway's default). */
  accountRevision: number;
  accountRateLimit: { limit: number; windowSeconds: number } | null;
}

export function internalVerifyRoutes({ verify }: { verify: VerifyApiToken }): Router {
  const router = Router();
  router.post(INTERNAL_VERIFY_PATH, acceptCallers(GATEWAY), async (req, res) => {
    const identity = identityOf(req);
    if (identity.kind !== 'service' || identity.name !== 'gateway') throw AppError.forbidden('Only the gateway may verify token secrets.');
    const body = req.body as Record<string, unknown> | undefined;
    const wellFormed = body && typeof body === 'object' && !Array.isArray(body) && Object.keys(body).length === 1 && typeof body.secret === 'string';
    if (!wellFormed || (body.secret as string).length > 256) {
      throw AppError.badRequest('The request body must be {"secret": "<token>"}.', [{ path: 'body.secret', message: 'is required and must be a string' }]);
    }
    const result = await verify.verify(body.secret as string);
    if (!result.ok) {
      sendProblem(res, AppError.unauthorized(DETAIL[result.reason]), { reason: result.reason });
      return;
    }
    const { token, secretExpiresAt, account } = result;
    const data: InternalVerification = {
      tokenId: token._id,
      accountId: token.accountId,
      name: token.name,
      ...tokenLimitsView(token),
      authVersion: token.authVersion,
      secretExpiresAt: secretExpiresAt ? secretExpiresAt.toISOString() : null,
      accountRevision: account.revision,
      accountRateLimit: account.rateLimit,
    };
    res.json(ok(data));
  });
  return router;
}
