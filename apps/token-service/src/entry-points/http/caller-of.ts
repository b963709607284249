import type { Request } from 'express';
import { identityOf } from '@warden/http';
import type { Caller } from '../../domain/caller';

/** The signed identity as the domain sees it; a service-type token acts as its named service account. */
export function callerOf(req: Request): Caller {
  const identity = identityOf(req);
  const actor =
    identity.kind === 'token'
      ? { type: identity.tokenType === 'service' ? ('service' as const) : ('token' as const), id: identity.tokenId ?? identity.name, name: identity.name }
      : { type: 'service' as const, id: identity.name, name: identity.name };
  return { accountId: identity.accountId, scopes: identity.scopes, actor, remoteIp: identity.clientIp, requestId: identity.requestId };
}
