// Why an acknowledged change has no audit record. The answer decides what to do about it: a bug
// in the pipeline (outbox, relay, queue, worker) must be fixed; a write the storage engine lost
// (FerretDB v1 does not apply concurrent updates of one document atomically) is a property of
// that engine, and the evidence has to show it.
import { outcomeOf, type HistoryEntry } from './history';
import type { AuditRecordView } from './checks';

/** What the object's document looked like after the run (read directly from its service's database). */
export interface DocumentState {
  exists: boolean;
  name?: string;
  /** `revision` of a token, `version` of a credential: bumped by every write of a change. */
  counter?: number;
  /** Events still in its outbox (not yet published). */
  outbox?: { auditType: string; occurredAt: string }[];
}

/** A job of the audit-events queue that failed for good (its data is the change event). */
export interface FailedJob {
  id: string;
  objectId: string;
  auditType: string;
  occurredAt: string;
  failedReason: string;
}

export type Verdict = 'storage lost the write' | 'audit job failed' | 'event still in its outbox' | 'pipeline lost the event' | 'undetermined';

export interface LostEventReport {
  entry: HistoryEntry;
  verdict: Verdict;
  evidence: string[];
}

export interface ForensicsInput {
  history: HistoryEntry[];
  /** Every record of the lost change's account. */
  records: AuditRecordView[];
  document: DocumentState | undefined;
  failedJobs: FailedJob[];
  /** The service replica a gateway sends a change of this object type to. */
  replicaOf: (entry: HistoryEntry) => string;
}

/** Writes that bump the document's counter, and where the counter starts. */
const COUNTED: Record<string, { kinds: string[]; initial: number }> = {
  ApiToken: { kinds: ['token.patch', 'token.rotate', 'token.revoke'], initial: 1 },
  Credential: { kinds: ['credential.patch', 'credential.delete'], initial: 0 },
};

const priorName = (record: AuditRecordView): string | undefined => record.detail?.update?.prior?.name ?? record.detail?.delete?.prior?.name;

export function explainLostEvent(entry: HistoryEntry, input: ForensicsInput): LostEventReport {
  const change = entry.change!;
  const evidence: string[] = [`#${entry.id} ${entry.kind} of ${change.objectType} ${change.objectId ?? change.name} via ${entry.via} (${input.replicaOf(entry)}) answered ${entry.status}`];
  const sameObject = input.history.filter((other) => other.change?.objectId === change.objectId && other.id !== entry.id && other.change);

  // Writes to the same document that overlapped this one, from this run's history.
  const overlapping = sameObject.filter((other) => other.start <= entry.end && other.end >= entry.start && outcomeOf(other) !== 'refused');
  for (const other of overlapping) {
    const where = input.replicaOf(other) === input.replicaOf(entry) ? 'the same replica' : `another replica (${input.replicaOf(other)})`;
    evidence.push(`overlapped #${other.id} ${other.kind} on ${where}, answered ${other.status ?? 'nothing'}`);
  }

  const failed = input.failedJobs.find((job) => job.objectId === change.objectId && job.auditType === change.auditType && Date.parse(job.occurredAt) >= entry.start && Date.parse(job.occurredAt) <= entry.end);
  if (failed) {
    evidence.push(`its event ${failed.id} is in the audit-events failed set: ${failed.failedReason}`);
    return { entry, verdict: 'audit job failed', evidence };
  }

  const waiting = input.document?.outbox?.find(
    (event) => event.auditType === change.auditType && Date.parse(event.occurredAt) >= entry.start && Date.parse(event.occurredAt) <= entry.end,
  );
  if (waiting) {
    evidence.push(`its event (${waiting.auditType} at ${waiting.occurredAt}) is still in the document's outbox: no relay published it`);
    return { entry, verdict: 'event still in its outbox', evidence };
  }

  // Did the change itself survive? The next write to the object records the name it replaced.
  let stored: boolean | undefined;
  if (change.setsName) {
    const next = input.records
      .filter((record) => record.objectId === change.objectId && Date.parse(record.timestamp) > entry.end && priorName(record) !== undefined)
      .sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp))[0];
    if (next) {
      stored = priorName(next) === change.setsName;
      evidence.push(`the next recorded write (${next.auditType} seq ${next.seq}) replaced the name ${JSON.stringify(priorName(next))}, this change set ${JSON.stringify(change.setsName)}`);
    } else if (
      input.document?.exists &&
      input.document.name !== undefined &&
      !sameObject.some((other) => other.change?.setsName && other.end > entry.start && outcomeOf(other) !== 'refused')
    ) {
      // Only when no later (or concurrent) write may have set another name since.
      stored = input.document.name === change.setsName;
      evidence.push(`the stored document is named ${JSON.stringify(input.document.name)}, this change set ${JSON.stringify(change.setsName)}`);
    }
  }
  const counted = COUNTED[change.objectType];
  if (counted && input.document?.exists && input.document.counter !== undefined) {
    const writes = sameObject.filter((other) => counted.kinds.includes(other.kind));
    const acknowledged = writes.filter((other) => outcomeOf(other) === 'ok').length + (counted.kinds.includes(entry.kind) ? 1 : 0);
    const minimum = counted.initial + acknowledged;
    evidence.push(`the document's write counter is ${input.document.counter}; ${acknowledged} acknowledged writes make it at least ${minimum}`);
    if (input.document.counter < minimum) stored = false;
  } else if (input.document && !input.document.exists) {
    evidence.push('the document is gone (revoked or deleted, and its tombstone removed)');
  }

  if (stored === false) {
    const writers = overlapping.filter((other) => input.replicaOf(other) !== input.replicaOf(entry));
    evidence.push(
      writers.length > 0
        ? 'the write was overwritten by a concurrent write from another replica: FerretDB v1 applies an update as read-modify-write without document-level atomicity'
        : "no overlapping write in the history: the other writer was a process's own background write (another replica's outbox relay or last-used flush), which FerretDB v1 can interleave the same way",
    );
    return { entry, verdict: 'storage lost the write', evidence };
  }
  if (stored === true) return { entry, verdict: 'pipeline lost the event', evidence };
  return { entry, verdict: 'undetermined', evidence };
}
