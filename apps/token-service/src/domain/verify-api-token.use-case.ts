import { parseTokenSecret } from '@warden/api-token';
import { hashTokenSecret, sameSecretHash, type AccountAuthState, type AccountRepository, type ApiTokenDoc, type ApiTokenRepository } from '@warden/tokens-data-access';
import type { TokenVersionSignal } from '@warden/tokens-feature';

export type VerificationFailure = 'malformed' | 'checksum' | 'unknown' | 'revoked' | 'rotated' | 'disabled' | 'expired' | 'account_disabled';

export type Verification =
  | { ok: true; token: ApiTokenDoc; secretExpiresAt: Date | null; account: AccountAuthState }
  | { ok: false; reason: VerificationFailure };

export interface VerifyApiTokenDeps {
  tokens: ApiTokenRepository;
  accounts: Pick<AccountRepository, 'authState'>;
  versions: TokenVersionSignal;
  hashKey: string;
  clock?: () => Date;
}

/**
 * Turns a presented secret into the token it belongs to, for the gateway's cache misses. A secret
 * of the wrong shape or checksum is refused before any database read; otherwise the lookup is by
 * keyed hash, and the hash that matched is confirmed in constant time.
 */
export class VerifyApiToken {
  private readonly now: () => Date;

  constructor(private readonly deps: VerifyApiTokenDeps) {
    this.now = deps.clock ?? (() => new Date());
  }

  async verify(secret: string): Promise<Verification> {
    const parsed = parseTokenSecret(secret);
    if (!parsed.ok) return { ok: false, reason: parsed.reason };
    const hash = hashTokenSecret(secret, this.deps.hashKey);
    const token = await this.deps.tokens.findBySecretHash(hash);
    if (!token) return { ok: false, reason: 'unknown' };
    const now = this.now();
    let secretExpiresAt: Date | null = null;
    if (!sameSecretHash(token.secretHash, hash)) {
      const previous = token.previousSecrets.find((candidate) => sameSecretHash(candidate.hash, hash));
      if (!previous) return { ok: false, reason: 'unknown' };
      if (!token.deletedAt && previous.expiresAt <= now) return { ok: false, reason: 'rotated' };
      secretExpiresAt = previous.expiresAt;
    }
    if (token.deletedAt) return { ok: false, reason: 'revoked' };
    if (!token.enabled) return { ok: false, reason: 'disabled' };
    if (token.expiresAt && token.expiresAt <= now) return { ok: false, reason: 'expired' };
    // Read after the token: an account disabled after this read marks the token in Redis with a
    // later revision, which `ensure` leaves in place, so the gateway verifies again.
    const account = await this.deps.accounts.authState(token.accountId);
    if (!account.enabled) return { ok: false, reason: 'account_disabled' };
    await this.deps.versions.ensure(token.accountId, token._id, token.authVersion, account.revision);
    return { ok: true, token, secretExpiresAt, account };
  }
}
