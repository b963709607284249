import { checkAvailability, checkChains, checkRevocation, checkShutdown, matchAudit, type AccountAudit, type AuditRecordView } from './checks';
import { explainLostEvent } from './forensics';
import type { FaultWindow, HistoryEntry } from './history';

const ACCOUNT = 'acc-1';
const TOKEN = '11111111-1111-4111-8111-111111111111';
let nextId = 1;

function entry(partial: Partial<HistoryEntry>): HistoryEntry {
  return { id: nextId++, accountId: ACCOUNT, kind: 'token.patch', via: 'gateway-1', method: 'PATCH', path: `/api/v1/apitokens/${TOKEN}`, start: 1_000, end: 1_100, status: 200, ...partial };
}

function patch(start: number, end: number, status: number | null, setsName = `n-${start}`): HistoryEntry {
  return entry({ start, end, status, change: { objectType: 'ApiToken', auditType: 'Updated', objectId: TOKEN, setsName } });
}

function record(seq: number, at: number, extra: Partial<AuditRecordView> = {}): AuditRecordView {
  return { id: `r${seq}`, seq, timestamp: new Date(at).toISOString(), objectType: 'ApiToken', auditType: 'Updated', objectId: TOKEN, detail: {}, ...extra };
}

const audit = (records: AuditRecordView[]): AccountAudit[] => [
  { accountId: ACCOUNT, records, verification: { valid: true, checked: records.length, head: { seq: records.length, hash: 'h' } } },
];

describe('matchAudit', () => {
  it('matches each 2xx change to the one record written while it was in flight', () => {
    const history = [patch(1_000, 1_100, 200), patch(1_200, 1_300, 200)];
    const match = matchAudit(history, audit([record(1, 1_250), record(2, 1_050)]));
    expect(match.lost).toEqual([]);
    expect(match.duplicates).toEqual([]);
    expect(match.orphans).toEqual([]);
    expect(match.matched.get(history[0].id)?.seq).toBe(2);
  });

  it('reports a 2xx change without a record as lost, and a second record as a duplicate', () => {
    const history = [patch(1_000, 1_100, 200), patch(1_200, 1_300, 200)];
    const match = matchAudit(history, audit([record(1, 1_050), record(2, 1_060)]));
    expect(match.lost.map((e) => e.id)).toEqual([history[1].id]);
    expect(match.duplicates).toHaveLength(1);
  });

  it('lets concurrent changes of one object share their windows without stealing records', () => {
    // The first record fits both; only a matching (not first-fit) gives each change its own.
    const history = [patch(1_000, 1_500, 200), patch(1_100, 1_200, 200)];
    const match = matchAudit(history, audit([record(1, 1_150), record(2, 1_400)]));
    expect(match.lost).toEqual([]);
    expect(match.duplicates).toEqual([]);
  });

  it('allows a change that got no answer to have a record or not, even a late one', () => {
    const history = [patch(1_000, 1_100, null), patch(2_000, 2_100, 502)];
    const match = matchAudit(history, audit([record(1, 5_000)]));
    expect(match.lost).toEqual([]);
    expect(match.orphans).toEqual([]);
    expect(match.indeterminate).toBe(2);
    expect(match.indeterminateRecorded).toBe(1);
  });

  it('reports a record that no attempted change explains, naming a refused request it resembles', () => {
    const history = [patch(1_000, 1_100, 409)];
    const match = matchAudit(history, audit([record(1, 1_050), record(2, 9_000)]));
    expect(match.orphans.map((o) => o.refused.length)).toEqual([1, 0]);
  });

  it('finds the record of a create that got no answer by the name it created', () => {
    const create = entry({ kind: 'token.create', status: null, change: { objectType: 'ApiToken', auditType: 'Created', name: 't-run-7' } });
    const created = record(1, 1_050, { auditType: 'Created', objectId: 'unknown-before', detail: { create: { after: { name: 't-run-7' } } } });
    const other = record(2, 1_060, { auditType: 'Created', objectId: 'x', detail: { create: { after: { name: 't-run-8' } } } });
    const match = matchAudit([create], audit([created, other]));
    expect(match.indeterminateRecorded).toBe(1);
    expect(match.orphans.map((o) => o.record.seq)).toEqual([2]);
  });
});

describe('checkRevocation', () => {
  const revoke = () => entry({ kind: 'token.revoke', method: 'DELETE', start: 1_000, end: 1_100, change: { objectType: 'ApiToken', auditType: 'Deleted', objectId: TOKEN } });
  const use = (start: number, status: number | null, generation = 0) =>
    entry({ kind: 'probe', method: 'GET', path: '/api/v1/apitokens/verify', start, end: start + 5, status, auth: { tokenId: TOKEN, generation } });

  it('accepts 401 after the revoke returned and anything before it', () => {
    const report = checkRevocation([use(1_050, 200), revoke(), use(1_101, 401), use(1_200, null)]);
    expect(report.violations).toEqual([]);
    expect(report).toMatchObject({ probes: 2, refused: 1, inconclusive: 1 });
  });

  it('flags a revoked secret that was accepted', () => {
    const report = checkRevocation([revoke(), use(1_101, 200)]);
    expect(report.violations).toHaveLength(1);
    expect(report.violations[0].message).toMatch(/answered 200, 1 ms after the secret was revoked/);
  });

  it('retires only the generation a rotation replaced', () => {
    const rotate = entry({ kind: 'token.rotate', start: 1_000, end: 1_100, retires: { tokenId: TOKEN, generation: 0 } });
    const report = checkRevocation([rotate, use(1_200, 200, 1), use(1_200, 200, 0)]);
    expect(report.probes).toBe(1);
    expect(report.violations[0].message).toMatch(/rotated out/);
  });
});

describe('checkAvailability', () => {
  const window: FaultWindow = { id: 1, target: 'token-service-1', kind: 'token-service', action: 'SIGKILL', start: 1_000, end: 2_000, pauseMs: 300 };
  const pathOf = (gateway: string, upstream: string) => [gateway, `token-service-${gateway.at(-1)}`, `${upstream}-${gateway.at(-1)}`, 'redis'];

  it('explains a 5xx inside a fault window (plus grace), counts those on its own path, and flags the rest', () => {
    const inside = entry({ status: 503, start: 1_500, end: 1_510 });
    const grace = entry({ status: null, start: 2_400, end: 2_410 });
    const otherReplica = entry({ via: 'gateway-2', status: 502, start: 1_500, end: 1_510 });
    const late = entry({ status: 500, start: 3_000, end: 3_010 });
    const report = checkAvailability([inside, grace, otherReplica, late], [window], pathOf, 500);
    expect(report).toMatchObject({ failed: 4, explained: 3, onPath: 2 });
    expect(report.violations.map((v) => v.message.split(' ')[0])).toEqual([`#${late.id}`]);
  });
});

describe('checkChains', () => {
  it('needs a valid verification that covers exactly the listed records', () => {
    const good = audit([record(1, 1), record(2, 2)])[0];
    const short = { ...good, accountId: 'b', verification: { valid: true, checked: 1, head: { seq: 1, hash: 'h' } } };
    const invalid = { ...good, accountId: 'c', verification: { valid: false, checked: 1, head: null, firstInvalidSeq: 2, reason: 'hash mismatch' } };
    const gap = { ...good, accountId: 'd', records: [record(1, 1), record(3, 3)] };
    const result = checkChains([good, short, invalid, gap]);
    expect(result.valid).toBe(1);
    expect(result.violations.map((v) => v.message)).toEqual([
      expect.stringMatching(/^account b: verify checked 1 records, the listing has 2/),
      expect.stringMatching(/^account c: invalid at seq 2: hash mismatch/),
      expect.stringMatching(/^account d: listed seqs are not 1..2/),
    ]);
  });
});

describe('checkShutdown', () => {
  it('reports live pids, open ports and processes that ignored SIGTERM', () => {
    const violations = checkShutdown({ alivePids: [42], openPorts: [8080], unclean: [{ name: 'gateway-1', pid: 7, code: null, signal: 'SIGKILL', forced: true }] });
    expect(violations.map((v) => v.message)).toEqual([
      'pid 42 is still alive after the shutdown',
      'port 8080 still accepts connections after the shutdown',
      'gateway-1 (pid 7) ignored SIGTERM and was killed',
    ]);
  });
});

describe('explainLostEvent', () => {
  const replicaOf = (e: HistoryEntry) => `token-service-${e.via.at(-1)}`;

  it('blames storage when the next write replaced an older name and the write counter is short', () => {
    const lost = patch(1_000, 1_100, 200, 'lost-name');
    const next = patch(1_200, 1_300, 200, 'next-name');
    const records = [record(1, 1_250, { detail: { update: { prior: { name: 'before' }, after: { name: 'next-name' } } } })];
    const report = explainLostEvent(lost, { history: [lost, next], records, document: { exists: true, name: 'next-name', counter: 2 }, failedJobs: [], replicaOf });
    expect(report.verdict).toBe('storage lost the write');
    expect(report.evidence.join('\n')).toMatch(/write counter is 2; 2 acknowledged writes make it at least 3/);
  });

  it('blames the pipeline when the change is in the document but its record is not', () => {
    const lost = patch(1_000, 1_100, 200, 'lost-name');
    const report = explainLostEvent(lost, { history: [lost], records: [], document: { exists: true, name: 'lost-name', counter: 2 }, failedJobs: [], replicaOf });
    expect(report.verdict).toBe('pipeline lost the event');
  });

  it('does not read a later write’s name as a lost one', () => {
    const lost = patch(1_000, 1_100, 200, 'lost-name');
    const later = patch(1_200, 1_300, 200, 'later-name');
    const report = explainLostEvent(lost, { history: [lost, later], records: [], document: { exists: true, name: 'later-name', counter: 3 }, failedJobs: [], replicaOf });
    expect(report.verdict).toBe('undetermined');
  });

  it('finds an event still waiting in its outbox', () => {
    const lost = patch(1_000, 1_100, 200);
    const document = { exists: true, name: 'x', counter: 2, outbox: [{ auditType: 'Updated', occurredAt: new Date(1_050).toISOString() }] };
    expect(explainLostEvent(lost, { history: [lost], records: [], document, failedJobs: [], replicaOf }).verdict).toBe('event still in its outbox');
  });

  it('names a failed audit job', () => {
    const lost = patch(1_000, 1_100, 200);
    const failedJobs = [{ id: 'e1', objectId: TOKEN, auditType: 'Updated', occurredAt: new Date(1_050).toISOString(), failedReason: 'job stalled more than allowable limit' }];
    const report = explainLostEvent(lost, { history: [lost], records: [], document: undefined, failedJobs, replicaOf });
    expect(report.verdict).toBe('audit job failed');
  });
});
