import { buildChangeEvent } from '@warden/contracts-events';
import { apiTokenSnapshot, type ApiTokenRepository } from '@warden/tokens-data-access';
import type { TokenVersionSignal } from './token-version-signal';
import type { AccountChangeSource } from './account-events';

export interface RevokeApiTokenDeps {
  tokens: Pick<ApiTokenRepository, 'findForAccount' | 'findKeptTombstone' | 'revoke' | 'releaseTombstone'>;
  versions: Pick<TokenVersionSignal, 'revoke'>;
  outbox?: { kick(documentId?: unknown): void };
}

const MAX_WRITE_ATTEMPTS = 5;

/**
 * The operator's revocation of one token, outside any caller's limits (an account being deleted, a
 * platform token): the tombstone and its "Deleted" event in one write, then "revoked" in Redis, and
 * the tombstone let go once Redis holds it. `signalled: false`: stored, and Redis did not take the
 * signal; until a repeat sends it, a replica that verified the token before may still accept it.
 * A repeat finds the kept tombstone and sends the signal again. Null: no such token.
 */
export async function revokeApiToken(
  deps: RevokeApiTokenDeps,
  { ownerId, tokenId, now = () => new Date(), ...source }: { ownerId: string; tokenId: string; now?: () => Date } & AccountChangeSource,
): Promise<{ signalled: boolean } | null> {
  if (await deps.tokens.findKeptTombstone(ownerId, tokenId)) return { signalled: await signalRevoked(deps, ownerId, tokenId) };
  for (let attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt++) {
    const current = await deps.tokens.findForAccount(ownerId, tokenId);
    if (!current) return null;
    const at = now();
    const event = buildChangeEvent({
      accountId: ownerId,
      objectType: 'ApiToken',
      auditType: 'Deleted',
      objectId: tokenId,
      actor: source.actor,
      remoteIp: source.remoteIp ?? null,
      requestId: source.requestId ?? null,
      prior: apiTokenSnapshot(current),
      now: at,
    });
    if (!(await deps.tokens.revoke(current, { event, now: at }))) continue;
    deps.outbox?.kick(tokenId);
    return { signalled: await signalRevoked(deps, ownerId, tokenId) };
  }
  throw new Error('The API token changed while it was being revoked; try again.');
}

/** "revoked" in Redis, then the tombstone may go; without Redis it stays, for the repeat to find. */
async function signalRevoked(deps: RevokeApiTokenDeps, ownerId: string, tokenId: string): Promise<boolean> {
  const signalled = await deps.versions.revoke(ownerId, tokenId);
  if (signalled) await deps.tokens.releaseTombstone(tokenId);
  return signalled;
}
