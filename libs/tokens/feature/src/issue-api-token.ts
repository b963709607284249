import { randomUUID } from 'node:crypto';
import { buildChangeEvent } from '@warden/contracts-events';
import { generateTokenSecret, tokenHint } from '@warden/api-token';
import type { Caller } from '@warden/http';
import { apiTokenSnapshot, hashTokenSecret, type ApiTokenDoc, type ApiTokenRepository, type NewApiToken, type TokenSecretSealer } from '@warden/tokens-data-access';
import type { TokenVersionSignal } from './token-version-signal';

/** What a new token is, before it has a secret: every setting the caller chose or inherited. */
export type ApiTokenSettings = Pick<NewApiToken, 'name' | 'type' | 'enabled' | 'scopes' | 'allowedIps' | 'expiresAt' | 'rateLimit'>;

export interface IssueApiTokenDeps {
  tokens: ApiTokenRepository;
  versions: Pick<TokenVersionSignal, 'publish'>;
  /** Key of the HMAC under which the secret is stored. */
  hashKey: string;
  /** The outbox relay, kicked with the new token so its event goes out at once. */
  outbox?: { kick(documentId?: unknown): void };
  /** Seals the secret of a recoverable token (the token service's key ring); without it no token can be recoverable. */
  sealer?: Pick<TokenSecretSealer, 'seal'>;
}

/**
 * Issues a token to `caller.accountId`: a fresh secret (returned this once), stored only as a keyed
 * hash with a hint, written with its "Created" event in one insert, and its version set in Redis so
 * that gateways compare against it from the first request. A recoverable token also keeps its
 * secret sealed under the account's token data key, in the same insert. The token service and the
 * operator CLI both issue tokens here.
 */
export async function issueApiToken(
  deps: IssueApiTokenDeps,
  caller: Pick<Caller, 'accountId' | 'actor' | 'remoteIp' | 'requestId'>,
  settings: ApiTokenSettings,
  now: Date,
  { recoverable = false }: { recoverable?: boolean } = {},
): Promise<{ token: ApiTokenDoc; secret: string }> {
  const secret = generateTokenSecret();
  const id = randomUUID();
  if (recoverable && !deps.sealer) throw new Error('a recoverable token needs the key ring that seals its secret');
  const sealedSecret = recoverable ? await deps.sealer?.seal(caller.accountId, id, secret) : undefined;
  const event = buildChangeEvent({
    accountId: caller.accountId,
    objectType: 'ApiToken',
    auditType: 'Created',
    objectId: id,
    actor: caller.actor,
    remoteIp: caller.remoteIp,
    requestId: caller.requestId,
    // A recoverable token's event says so, as its later events do; a shown-once token's is unchanged.
    after: { ...apiTokenSnapshot(settings), ...(recoverable ? { recoverable: true } : {}) },
    now,
  });
  const token = await deps.tokens.insert(
    {
      _id: id,
      accountId: caller.accountId,
      ...settings,
      secretHash: hashTokenSecret(secret, deps.hashKey),
      hint: tokenHint(secret),
      ...(sealedSecret ? { sealedSecret } : {}),
      createdAt: now,
      updatedAt: now,
    },
    event,
  );
  deps.outbox?.kick(id);
  // A fresh token has nothing cached anywhere; setting its version lets gateways compare from the start.
  await deps.versions.publish(caller.accountId, id, token.authVersion);
  return { token, secret };
}
