import { buildChangeEvent, type Actor, type ChangeEvent } from '@warden/contracts-events';
import { PLATFORM_OWNER } from '@warden/api-token';

/** Who changes an account: the operator's CLI or a platform token, as the audit trail names it. */
export interface AccountChangeSource {
  actor: Actor;
  remoteIp?: string | null;
  requestId?: string | null;
}

export interface AccountChangeInit extends AccountChangeSource {
  accountId: string;
  auditType: 'Created' | 'Updated' | 'Deleted';
  prior?: Record<string, unknown>;
  after?: Record<string, unknown>;
  now: Date;
}

/**
 * The two events of one account change, written with it in the same single-document write: one
 * for the account's own chain (its tenant sees what the operator did to it), one for the
 * platform's chain (the operator's record of every account it created, changed or deleted).
 */
export function accountChangeEvents({ accountId, auditType, actor, remoteIp = null, requestId = null, prior, after, now }: AccountChangeInit): ChangeEvent[] {
  return [accountId, PLATFORM_OWNER].map((chain) =>
    buildChangeEvent({ accountId: chain, objectType: 'Account', auditType, objectId: accountId, actor, remoteIp, requestId, prior, after, now }),
  );
}
