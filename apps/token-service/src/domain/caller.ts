import type { Actor } from '@warden/contracts-events';
import type { ApiTokenScope } from '@warden/tokens-data-access';

/** Who asks for a change, as the gateway vouched for it: whose account, with which scopes, seen as which actor. */
export interface Caller {
  accountId: string;
  scopes: ApiTokenScope[];
  actor: Actor;
  remoteIp: string | null;
  requestId: string | null;
}
