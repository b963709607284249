import { randomUUID } from 'node:crypto';
import { buildChangeEvent } from '@warden/contracts-events';
import { generateTokenSecret, tokenHint } from '@warden/api-token';
import type { Caller } from '@warden/http';
import { apiTokenSnapshot, hashTokenSecret, type ApiTokenDoc, type ApiTokenRepository, type NewApiToken } from '@warden/tokens-data-access';
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
}

/**
 * Issues a token to `caller.accountId`: a fresh secret (returned this once), stored only as a keyed
 * hash with a hint, written with its "Created" event in one insert, and its version set in Redis so
 * that gateways compare against it from the first request. The token service and the operator CLI
 * both issue tokens here.
 */
export async function issueApiToken(
  deps: IssueApiTokenDeps,
  caller: Pick<Caller, 'accountId' | 'actor' | 'remoteIp' | 'requestId'>,
  settings: ApiTokenSettings,
  now: Date,
): Promise<{ token: ApiTokenDoc; secret: string }> {
  const secret = generateTokenSecret();
  const id = randomUUID();
  const event = buildChangeEvent({
    accountId: caller.accountId,
    objectType: 'ApiToken',
    auditType: 'Created',
    objectId: id,
    actor: caller.actor,
    remoteIp: caller.remoteIp,
    requestId: caller.requestId,
    after: apiTokenSnapshot(settings),
    now,
  });
  const token = await deps.tokens.insert(
    { _id: id, accountId: caller.accountId, ...settings, secretHash: hashTokenSecret(secret, deps.hashKey), hint: tokenHint(secret), createdAt: now, updatedAt: now },
    event,
  );
  deps.outbox?.kick(id);
  // A fresh token has nothing cached anywhere; setting its version lets gateways compare from the start.
  await deps.versions.publish(id, token.authVersion);
  return { token, secret };
}
