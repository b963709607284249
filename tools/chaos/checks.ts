// The checks a chaos run applies to its history afterwards. Pure functions of what was recorded
// (requests, fault windows) and what was read back (audit records, chain verifications), so each
// one is unit-tested against hand-made histories.
import { isChange, outcomeOf, type FaultWindow, type HistoryEntry } from './history';

export type CheckName =
  | 'every change has exactly one record'
  | 'no record without its change'
  | 'every chain verifies'
  | 'no revoked secret accepted'
  | '5xx only inside fault windows'
  | 'no process leaked'
  | 'audit pipeline drained'
  | 'platform stayed up';

export interface Violation {
  check: CheckName;
  message: string;
}

/** An audit record as `GET /api/v1/audit` lists it (the fields the checks read). */
export interface AuditRecordView {
  id: string;
  seq: number;
  timestamp: string;
  objectType: string;
  auditType: string;
  objectId: string;
  detail: Record<string, any>;
}

/** `GET /api/v1/audit/verify`'s `data`. */
export interface ChainVerification {
  valid: boolean;
  checked: number;
  head: { seq: number; hash: string } | null;
  firstInvalidSeq?: number;
  reason?: string;
}

export interface AccountAudit {
  accountId: string;
  /** Every record of the account, or null when they could not be read. */
  records: AuditRecordView[] | null;
  verification: ChainVerification | null;
  error?: string;
}

// ---------------------------------------------------------------------------------------------
// Exactly one record per change

export interface MatchOptions {
  /**
   * A change that got no answer may have been carried out after the client gave up (a gateway
   * killed mid-request while the service finished the write): its record may be this much later.
   */
  lateMs: number;
  /** Clock resolution slack between the client's and the services' timestamps (same machine). */
  skewMs: number;
}

export const DEFAULT_MATCH: MatchOptions = { lateMs: 30_000, skewMs: 2 };

export interface AuditMatch {
  /** Changes answered 2xx. */
  acknowledged: number;
  /** Changes with no answer or a 5xx: a record is allowed, not required. */
  indeterminate: number;
  indeterminateRecorded: number;
  /** Records matched to the change they describe. */
  matched: Map<number, AuditRecordView>;
  /** 2xx changes without a record. */
  lost: HistoryEntry[];
  /** A second record for a change that already has its one. */
  duplicates: { record: AuditRecordView; accountId: string; candidates: number[] }[];
  /** Records that describe no attempted change (or only a refused one). */
  orphans: { record: AuditRecordView; accountId: string; refused: number[] }[];
  /** The setup and workload changes per account that a record was expected for or allowed. */
  records: number;
}

const keyOf = (objectType: string, auditType: string, objectId: string) => `${objectType}|${auditType}|${objectId}`;
const nameKey = (objectType: string, name: string) => `${objectType}|Created|name:${name}`;

/** The keys under which a record can be found: its object, and for a create the created name. */
function recordKeys(record: AuditRecordView): string[] {
  const keys = [keyOf(record.objectType, record.auditType, record.objectId)];
  const name = record.detail?.create?.after?.name;
  if (record.auditType === 'Created' && typeof name === 'string') keys.push(nameKey(record.objectType, name));
  return keys;
}

function entryKeys(entry: HistoryEntry & { change: NonNullable<HistoryEntry['change']> }): string[] {
  const { objectType, auditType, objectId, name } = entry.change;
  const keys: string[] = [];
  if (objectId) keys.push(keyOf(objectType, auditType, objectId));
  if (auditType === 'Created' && name) keys.push(nameKey(objectType, name));
  return keys;
}

/**
 * Matches every audit record to the change it describes: same account, object, action, and the
 * record's time (set by the service while it handled the request) inside the request's interval.
 * A maximum bipartite matching, so concurrent changes of one object cannot steal each other's
 * records. Unmatched 2xx changes are lost events; records left over are duplicates (a change that
 * already has its record fits them) or orphans (nothing attempted fits them).
 */
export function matchAudit(history: HistoryEntry[], accounts: AccountAudit[], options: MatchOptions = DEFAULT_MATCH): AuditMatch {
  const result: AuditMatch = {
    acknowledged: 0,
    indeterminate: 0,
    indeterminateRecorded: 0,
    matched: new Map(),
    lost: [],
    duplicates: [],
    orphans: [],
    records: 0,
  };
  for (const account of accounts) {
    const changes = history.filter((entry) => entry.accountId === account.accountId && isChange(entry));
    const attempted = changes.filter((entry) => outcomeOf(entry) !== 'refused');
    const refused = changes.filter((entry) => outcomeOf(entry) === 'refused');
    result.acknowledged += attempted.filter((entry) => outcomeOf(entry) === 'ok').length;
    result.indeterminate += attempted.filter((entry) => outcomeOf(entry) === 'failed').length;
    if (!account.records) continue;
    result.records += account.records.length;

    const index = (entries: HistoryEntry[]) => {
      const byKey = new Map<string, HistoryEntry[]>();
      for (const entry of entries) {
        for (const key of entryKeys(entry as HistoryEntry & { change: NonNullable<HistoryEntry['change']> })) {
          byKey.set(key, [...(byKey.get(key) ?? []), entry]);
        }
      }
      return byKey;
    };
    const attemptedByKey = index(attempted);
    const refusedByKey = index(refused);
    const fits = (record: AuditRecordView, byKey: Map<string, HistoryEntry[]>) => {
      const at = Date.parse(record.timestamp);
      const found = new Map<number, HistoryEntry>();
      for (const key of recordKeys(record)) {
        for (const entry of byKey.get(key) ?? []) {
          const latest = outcomeOf(entry) === 'failed' ? entry.end + options.lateMs : entry.end;
          if (at >= entry.start - options.skewMs && at <= latest + options.skewMs) found.set(entry.id, entry);
        }
      }
      return [...found.values()];
    };

    const candidates = account.records.map((record) => fits(record, attemptedByKey));
    const owner = new Map<number, number>(); // entry id -> record index
    const tryAssign = (recordIndex: number, seen: Set<number>): boolean => {
      for (const entry of candidates[recordIndex]) {
        if (seen.has(entry.id)) continue;
        seen.add(entry.id);
        const holder = owner.get(entry.id);
        if (holder === undefined || tryAssign(holder, seen)) {
          owner.set(entry.id, recordIndex);
          return true;
        }
      }
      return false;
    };
    // Kuhn's augmenting paths: a record once matched stays matched, possibly to another change.
    account.records.forEach((_record, i) => tryAssign(i, new Set()));
    const owned = new Set(owner.values());
    for (const [entryId, recordIndex] of owner) result.matched.set(entryId, account.records[recordIndex]);
    for (const entry of attempted) {
      if (owner.has(entry.id)) {
        if (outcomeOf(entry) === 'failed') result.indeterminateRecorded += 1;
      } else if (outcomeOf(entry) === 'ok') {
        result.lost.push(entry);
      }
    }
    account.records.forEach((record, i) => {
      if (owned.has(i)) return;
      if (candidates[i].length > 0) {
        result.duplicates.push({ record, accountId: account.accountId, candidates: candidates[i].map((entry) => entry.id) });
      } else {
        result.orphans.push({ record, accountId: account.accountId, refused: fits(record, refusedByKey).map((entry) => entry.id) });
      }
    });
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Chains

export function checkChains(accounts: AccountAudit[]): { valid: number; total: number; violations: Violation[] } {
  const violations: Violation[] = [];
  let valid = 0;
  for (const account of accounts) {
    const problems: string[] = [];
    if (account.error) problems.push(account.error);
    const verification = account.verification;
    if (!verification) problems.push('not verified');
    else if (!verification.valid) problems.push(`invalid at seq ${verification.firstInvalidSeq}: ${verification.reason}`);
    if (account.records && verification) {
      const seqs = account.records.map((record) => record.seq).sort((a, b) => a - b);
      const gap = seqs.findIndex((seq, i) => seq !== i + 1);
      if (gap !== -1) problems.push(`listed seqs are not 1..${seqs.length} (first gap at position ${gap + 1}: seq ${seqs[gap]})`);
      if (verification.checked !== seqs.length) problems.push(`verify checked ${verification.checked} records, the listing has ${seqs.length}`);
      if ((verification.head?.seq ?? 0) !== seqs.length) problems.push(`head seq ${verification.head?.seq ?? 0}, the listing has ${seqs.length}`);
    }
    if (problems.length === 0) valid += 1;
    else violations.push({ check: 'every chain verifies', message: `account ${account.accountId}: ${problems.join('; ')}` });
  }
  return { valid, total: accounts.length, violations };
}

// ---------------------------------------------------------------------------------------------
// Revocation

export interface RevocationReport {
  /** Requests with a secret after its revoke or rotation was answered. */
  probes: number;
  refused: number;
  /** No answer or a 5xx: says nothing either way (the availability check judges those). */
  inconclusive: number;
  violations: Violation[];
}

/**
 * A secret is dead from the moment its token's revoke (or the rotation that replaced it) was
 * answered 2xx; every request with it that started later must be refused with 401.
 */
export function checkRevocation(history: HistoryEntry[]): RevocationReport {
  const deaths = new Map<string, number>();
  const die = (key: string, at: number) => deaths.set(key, Math.min(at, deaths.get(key) ?? Number.POSITIVE_INFINITY));
  for (const entry of history) {
    if (outcomeOf(entry) !== 'ok') continue;
    if (entry.kind === 'token.revoke' && entry.change?.objectId) die(`${entry.change.objectId}#*`, entry.end);
    if (entry.kind === 'token.rotate' && entry.retires) die(`${entry.retires.tokenId}#${entry.retires.generation}`, entry.end);
  }
  const report: RevocationReport = { probes: 0, refused: 0, inconclusive: 0, violations: [] };
  for (const entry of history) {
    if (!entry.auth) continue;
    const death = Math.min(
      deaths.get(`${entry.auth.tokenId}#*`) ?? Number.POSITIVE_INFINITY,
      deaths.get(`${entry.auth.tokenId}#${entry.auth.generation}`) ?? Number.POSITIVE_INFINITY,
    );
    if (!(entry.start > death)) continue;
    report.probes += 1;
    if (entry.status === 401) report.refused += 1;
    else if (outcomeOf(entry) === 'failed') report.inconclusive += 1;
    else {
      report.violations.push({
        check: 'no revoked secret accepted',
        message:
          `#${entry.id} ${entry.method} ${entry.path} via ${entry.via} with token ${entry.auth.tokenId} (generation ${entry.auth.generation}) ` +
          `answered ${entry.status}, ${entry.start - death} ms after the secret was ${deaths.has(`${entry.auth.tokenId}#*`) ? 'revoked' : 'rotated out'}`,
      });
    }
  }
  return report;
}

// ---------------------------------------------------------------------------------------------
// Availability

export interface AvailabilityReport {
  failed: number;
  /** Inside the window of some fault (all processes share the machine: a restart slows every one). */
  explained: number;
  /** Of those, inside the window of a fault in a process on the request's own path. */
  onPath: number;
  violations: Violation[];
}

export function upstreamOfPath(path: string): 'tokens' | 'credentials' | 'audit' {
  if (path.startsWith('/api/v1/credentials')) return 'credentials';
  if (path.startsWith('/api/v1/audit')) return 'audit';
  return 'tokens';
}

/**
 * Every 5xx or unanswered request must overlap the window (plus `graceMs`) of a fault. How many
 * overlap a fault in a process on their own path (their gateway, that gateway's token service for
 * authentication, the service they reached, or Redis) is counted too.
 */
export function checkAvailability(
  history: HistoryEntry[],
  windows: FaultWindow[],
  pathOf: (gateway: string, upstream: 'tokens' | 'credentials' | 'audit') => string[],
  graceMs: number,
): AvailabilityReport {
  const report: AvailabilityReport = { failed: 0, explained: 0, onPath: 0, violations: [] };
  for (const entry of history) {
    if (outcomeOf(entry) !== 'failed') continue;
    report.failed += 1;
    const path = entry.via === 'operator' ? ['redis'] : pathOf(entry.via, upstreamOfPath(entry.path));
    const overlapping = windows.filter((w) => entry.end >= w.start && entry.start <= w.end + graceMs);
    if (overlapping.length > 0) {
      report.explained += 1;
      if (overlapping.some((w) => path.includes(w.target))) report.onPath += 1;
      continue;
    }
    const nearest = windows.map((w) => ({ w, distance: Math.max(w.start - entry.end, entry.start - w.end, 0) })).sort((a, b) => a.distance - b.distance)[0];
    report.violations.push({
      check: '5xx only inside fault windows',
      message:
        `#${entry.id} ${entry.method} ${entry.path} via ${entry.via} answered ${entry.status ?? `nothing (${entry.error})`} ` +
        `at ${new Date(entry.start).toISOString()} (+${entry.end - entry.start} ms), outside every fault window` +
        (nearest ? `; nearest fault: ${nearest.w.action} ${nearest.w.target}, ${nearest.distance} ms away` : ''),
    });
  }
  return report;
}

// ---------------------------------------------------------------------------------------------
// Processes

export interface ShutdownEvidence {
  /** pids still alive after the shutdown. */
  alivePids: number[];
  /** ports still accepting connections after the shutdown. */
  openPorts: number[];
  /** Processes that did not exit by themselves within the grace period after SIGTERM, or exited non-zero. */
  unclean: { name: string; pid: number; code: number | null; signal: string | null; forced: boolean }[];
}

export function checkShutdown(evidence: ShutdownEvidence): Violation[] {
  const violations: Violation[] = [];
  for (const pid of evidence.alivePids) violations.push({ check: 'no process leaked', message: `pid ${pid} is still alive after the shutdown` });
  for (const port of evidence.openPorts) violations.push({ check: 'no process leaked', message: `port ${port} still accepts connections after the shutdown` });
  for (const stop of evidence.unclean) {
    violations.push({
      check: 'no process leaked',
      message: `${stop.name} (pid ${stop.pid}) ${stop.forced ? 'ignored SIGTERM and was killed' : `exited with ${stop.signal ?? stop.code} on SIGTERM`}`,
    });
  }
  return violations;
}
