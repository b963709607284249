// What a chaos run records while it runs, and what its checks read afterwards. Times are
// milliseconds since the epoch on this machine's clock, which every process of the run shares.
import type { AuditType } from '@warden/contracts-events';

/** The processes of a run: `gateway-1`, `token-service-2`, `audit-service-3`, `redis`, ... */
export type ProcessKind = 'gateway' | 'token-service' | 'credential-service' | 'audit-service' | 'redis';

export type OperationKind =
  | 'setup.account'
  | 'token.create'
  | 'token.patch'
  | 'token.rotate'
  | 'token.revoke'
  | 'credential.create'
  | 'credential.patch'
  | 'credential.reveal'
  | 'credential.delete'
  | 'read'
  | 'probe';

/** The audit record a change promises once it is answered 2xx. */
export interface PromisedRecord {
  objectType: 'Account' | 'ApiToken' | 'Credential';
  auditType: AuditType;
  /** Unknown for a create that got no answer: its record is then found by `name`. */
  objectId?: string;
  /** A created object's name, unique in the run. */
  name?: string;
  /** The name an update sets (unique in the run): evidence of whether the change itself was stored. */
  setsName?: string;
}

/** Which secret authenticated a request: a token and its generation (0 = as created, +1 per rotation). */
export interface SecretRef {
  tokenId: string;
  generation: number;
}

export interface HistoryEntry {
  id: number;
  accountId: string;
  kind: OperationKind;
  /** `gateway-1`, `gateway-2`, or `operator` for the CLI code path. */
  via: string;
  method: string;
  path: string;
  start: number;
  end: number;
  /** null: no answer (connection refused or reset, timeout). */
  status: number | null;
  error?: string;
  change?: PromisedRecord;
  auth?: SecretRef;
  /** A rotation: the generation whose secret it retires. */
  retires?: SecretRef;
  /** Part of a deliberate pair of concurrent writes to one object: the partner's id. */
  partner?: number;
}

export interface FaultWindow {
  id: number;
  /** A process name (`token-service-2`) or `redis`. */
  target: string;
  kind: ProcessKind;
  action: 'SIGKILL' | 'restart';
  /** When the signal was sent. */
  start: number;
  /** When the restarted process answered ready (`/readyz` 200, or PING for Redis). */
  end: number;
  pauseMs: number;
  pidBefore?: number;
  pidAfter?: number;
  /** A Redis crash: what its append-only file lost (the writes of its last second). */
  aofLost?: { bytes: number; commands: number; auditJobs: number; versionSignals: number; revocations: number };
}

export type Outcome = 'ok' | 'refused' | 'failed';

/** 2xx: answered; 4xx: refused (nothing changed); 5xx or no answer: failed, the change may or may not have happened. */
export function outcomeOf(entry: Pick<HistoryEntry, 'status'>): Outcome {
  if (entry.status === null || entry.status >= 500) return 'failed';
  return entry.status >= 400 ? 'refused' : 'ok';
}

export const isChange = (entry: HistoryEntry): entry is HistoryEntry & { change: PromisedRecord } => entry.change !== undefined;
