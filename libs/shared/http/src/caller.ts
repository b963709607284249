import type { Actor } from '@warden/contracts-events';
import type { Identity, Scope } from './internal-identity';

/** Who asks for a change, as the gateway vouched for it: whose account, with which scopes, seen in audit as which actor. */
export interface Caller {
  accountId: string;
  scopes: Scope[];
  actor: Actor;
  remoteIp: string | null;
  requestId: string | null;
}

/** The signed identity as a service's domain sees it; a service-type token acts as its named service account. */
export function callerOf(identity: Identity): Caller {
  const actor: Actor =
    identity.kind === 'service'
      ? { type: 'service', id: identity.name, name: identity.name }
      : { type: identity.tokenType === 'service' ? 'service' : 'token', id: identity.tokenId ?? identity.name, name: identity.name };
  return { accountId: identity.accountId, scopes: identity.scopes, actor, remoteIp: identity.clientIp, requestId: identity.requestId };
}
