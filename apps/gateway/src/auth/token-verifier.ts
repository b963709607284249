import type { Pool } from 'undici';
import { AppError, bodyDigest, createServicePool, REQUEST_ID_HEADER, type Identity, type IdentitySigner, type Scope } from '@warden/http';

export const VERIFY_PATH = '/internal/v1/tokens/verify';

/** The token service's answer for a secret it recognises (`POST /internal/v1/tokens/verify`). */
export interface VerifiedTokenData {
  tokenId: string;
  accountId: string;
  name: string;
  type: 'api' | 'service' | 'platform';
  scopes: Scope[];
  allowedIps: string[];
  expiresAt: string | null;
  rateLimit: { limit: number; windowSeconds: number } | null;
  authVersion: number;
  secretExpiresAt: string | null;
  /** The account's revision when read for this verification, and its own quota (null: the gateway's default). */
  accountRevision: number;
  accountRateLimit: { limit: number; windowSeconds: number } | null;
}

export type RejectionReason = 'unknown' | 'disabled' | 'expired' | 'revoked' | 'rotated' | 'account_disabled';
const REASONS: ReadonlySet<string> = new Set<RejectionReason>(['unknown', 'disabled', 'expired', 'revoked', 'rotated', 'account_disabled']);
export type VerifyOutcome = { ok: true; data: VerifiedTokenData } | { ok: false; reason: RejectionReason };

/** The token service names the reason in its 401 (`reason`, and in words in `detail`); anything else counts as unknown. */
function reasonOf(body: any): RejectionReason {
  if (typeof body?.reason === 'string' && REASONS.has(body.reason)) return body.reason as RejectionReason;
  const text = typeof body?.detail === 'string' ? body.detail.toLowerCase() : '';
  if (text.includes('revoked')) return 'revoked';
  if (text.includes('rotated')) return 'rotated';
  if (text.includes('disabled')) return 'disabled';
  if (text.includes('expired')) return 'expired';
  return 'unknown';
}

export interface TokenVerifierOptions {
  origin: string;
  signer: IdentitySigner;
  timeoutMs: number;
}

/** Asks the token service whether a secret is a live token, over a keep-alive pool. */
export class TokenVerifier {
  private readonly pool: Pool;

  constructor(private readonly options: TokenVerifierOptions) {
    this.pool = createServicePool(options.origin, { connections: 32, timeoutMs: options.timeoutMs });
  }

  async verify(secret: string, clientIp: string, requestId: string): Promise<VerifyOutcome> {
    const identity: Identity = { kind: 'service', accountId: '-', name: 'gateway', scopes: [], clientIp, requestId };
    const body = JSON.stringify({ secret });
    let response;
    try {
      response = await this.pool.request({
        path: VERIFY_PATH,
        method: 'POST',
        headers: {
          ...this.options.signer.sign('token-service', identity, { method: 'POST', url: VERIFY_PATH, digest: bodyDigest(body) }),
          [REQUEST_ID_HEADER]: requestId,
          'content-type': 'application/json',
        },
        body,
      });
    } catch {
      throw AppError.serviceUnavailable('The token service is unavailable; the request could not be authenticated.');
    }
    let answer: any;
    try {
      answer = await response.body.json();
    } catch {
      answer = undefined;
    }
    if (response.statusCode === 200 && answer?.data?.tokenId) return { ok: true, data: answer.data as VerifiedTokenData };
    if (response.statusCode === 401) return { ok: false, reason: reasonOf(answer) };
    throw AppError.serviceUnavailable('The token service could not verify the API token.');
  }

  /** Readiness: the token service answers its liveness probe. */
  async ping(): Promise<void> {
    const response = await this.pool.request({ path: '/healthz', method: 'GET' });
    await response.body.dump();
    if (response.statusCode !== 200) throw new Error(`token service answered ${response.statusCode}`);
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}
