import { useEffect, useState } from 'preact/hooks';
import { unwrap, type Schemas } from '../api/client';
import { Pager, usePagedList } from '../components/pager';
import { ProblemAlert } from '../components/problem-alert';
import { formatUtc, utcInputToIso } from '../lib/format';
import { useSession } from '../session-context';
import { AuditDetailDialog } from './audit-detail';

type AuditRecord = Schemas['AuditRecord'];
type AuditType = Schemas['AuditType'];

const AUDIT_TYPES: AuditType[] = ['Created', 'Updated', 'Deleted', 'Revealed', 'Rotated'];
const OBJECT_TYPES = ['ApiToken', 'Credential', 'Account'];

interface Filters {
  objectType: string;
  auditType: string;
  actor: string;
  objectId: string;
  from: string;
  to: string;
}

const NO_FILTERS: Filters = { objectType: '', auditType: '', actor: '', objectId: '', from: '', to: '' };

export function AuditPage() {
  const { api } = useSession();
  const [draft, setDraft] = useState<Filters>(NO_FILTERS);
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [filterError, setFilterError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);

  const list = usePagedList<AuditRecord>((cursor, limit) => {
    const from = utcInputToIso(filters.from);
    const to = utcInputToIso(filters.to);
    return api.GET('/api/v1/audit', {
      params: {
        query: {
          limit,
          ...(cursor ? { cursor } : {}),
          ...(filters.objectType ? { objectType: filters.objectType } : {}),
          ...(filters.auditType ? { auditType: filters.auditType as AuditType } : {}),
          ...(filters.actor ? { actor: filters.actor } : {}),
          ...(filters.objectId ? { objectId: filters.objectId } : {}),
          ...(from ? { from } : {}),
          ...(to ? { to } : {}),
        },
      },
    });
  }, JSON.stringify(filters));

  function apply(event: Event) {
    event.preventDefault();
    const next = { ...draft, objectType: draft.objectType.trim(), actor: draft.actor.trim(), objectId: draft.objectId.trim() };
    if (next.objectType && !/^[A-Za-z][A-Za-z0-9]{0,63}$/.test(next.objectType)) {
      setFilterError('Object type: letters and digits, starting with a letter (ApiToken, Credential, Account).');
      return;
    }
    const from = utcInputToIso(next.from);
    const to = utcInputToIso(next.to);
    if (from && to && from >= to) {
      setFilterError('The time range ends before it starts.');
      return;
    }
    setFilterError(null);
    // Applying the same filters again refreshes the list (new records arrive all the time).
    if (JSON.stringify(next) === JSON.stringify(filters)) list.reload();
    else setFilters(next);
  }

  const set = (key: keyof Filters) => (event: Event) => setDraft((current) => ({ ...current, [key]: (event.currentTarget as HTMLInputElement).value }));

  return (
    <section aria-labelledby="audit-title">
      <div class="page-header">
        <h1 id="audit-title" tabIndex={-1}>
          Audit activity
        </h1>
        <ChainStatus />
      </div>

      <form class="filters" role="search" aria-label="Filter audit records" onSubmit={apply} noValidate>
        <label class="field">
          Object type
          <input list="audit-object-types" value={draft.objectType} onInput={set('objectType')} />
          <datalist id="audit-object-types">
            {OBJECT_TYPES.map((type) => (
              <option key={type} value={type} />
            ))}
          </datalist>
        </label>
        <label class="field">
          Action
          <select value={draft.auditType} onChange={set('auditType')}>
            <option value="">Any</option>
            {AUDIT_TYPES.map((type) => (
              <option key={type} value={type}>
                {type}
              </option>
            ))}
          </select>
        </label>
        <label class="field">
          Actor
          <input value={draft.actor} maxLength={200} placeholder="name or id" onInput={set('actor')} />
        </label>
        <label class="field">
          Identifier
          <input value={draft.objectId} maxLength={100} class="mono" onInput={set('objectId')} />
        </label>
        <label class="field">
          From (UTC)
          <input type="datetime-local" value={draft.from} onInput={set('from')} />
        </label>
        <label class="field">
          To (UTC)
          <input type="datetime-local" value={draft.to} onInput={set('to')} />
        </label>
        <div class="filter-actions">
          <button type="submit" class="button">
            Apply filters
          </button>
          <button
            type="button"
            class="button button-link"
            onClick={() => {
              setDraft(NO_FILTERS);
              setFilters(NO_FILTERS);
              setFilterError(null);
            }}
          >
            Reset
          </button>
        </div>
        {filterError && (
          <p class="field-error" role="alert">
            {filterError}
          </p>
        )}
      </form>

      <ProblemAlert error={list.error} />
      <div class="table-wrap">
        <table class="data-table" aria-busy={list.loading}>
          <caption class="visually-hidden">Audit records, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Timestamp (UTC)</th>
              <th scope="col">Object</th>
              <th scope="col">Action</th>
              <th scope="col">Identifier</th>
              <th scope="col">Username</th>
              <th scope="col">Remote IP</th>
              <th scope="col">
                <span class="visually-hidden">Details</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.loading && list.items.length === 0 && (
              <tr>
                <td colSpan={7} class="empty">
                  Loading…
                </td>
              </tr>
            )}
            {!list.loading && list.items.length === 0 && (
              <tr>
                <td colSpan={7} class="empty">
                  No audit records match.
                </td>
              </tr>
            )}
            {list.items.map((record) => (
              <tr key={record.id} data-audit-id={record.id}>
                <td data-label="Timestamp (UTC)">{formatUtc(record.timestamp).replace(' UTC', '')}</td>
                <td data-label="Object">{record.objectType}</td>
                <td data-label="Action">
                  <span class={`tag tag-${record.auditType.toLowerCase()}`}>{record.auditType}</span>
                </td>
                <td data-label="Identifier">
                  <code class="small">{record.objectId}</code>
                </td>
                <td data-label="Username">{record.username}</td>
                <td data-label="Remote IP">{record.remoteIp ?? '—'}</td>
                <td data-label="Details">
                  <button
                    type="button"
                    class="button button-small"
                    aria-label={`Details of ${record.auditType} ${record.objectType} at ${formatUtc(record.timestamp)}`}
                    onClick={() => setSelected(record.id)}
                  >
                    Details
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Pager
        label="Audit"
        page={list.page}
        hasPrevious={list.hasPrevious}
        hasNext={list.hasNext}
        limit={list.limit}
        onPrevious={list.previous}
        onNext={list.next}
        onLimit={list.setLimit}
      />
      {selected && <AuditDetailDialog id={selected} onClose={() => setSelected(null)} />}
    </section>
  );
}

/**
 * `/audit/verify`'s answer. A trail too long to verify within one request answers with a
 * verification job instead (`202`): it is followed, once a second, until it is done.
 */
async function verifyChain(api: ReturnType<typeof useSession>['api']): Promise<Schemas['AuditVerifyResult']> {
  const answer = (await unwrap(api.GET('/api/v1/audit/verify'))).data;
  if (!('status' in answer)) return answer;
  let job: Schemas['AuditVerification'] = answer;
  while (job.status === 'running') {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    job = (await unwrap(api.GET('/api/v1/audit/verifications/{id}', { params: { path: { id: job.id } } }))).data;
  }
  if (job.status !== 'done' || !job.result) throw new Error(job.error ?? 'The verification did not finish.');
  return job.result;
}

/** The chain-status badge: `/audit/verify` recomputes the hash chain and checks the newest checkpoint. */
function ChainStatus() {
  const { api } = useSession();
  const [result, setResult] = useState<Schemas['AuditVerifyResult'] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [checking, setChecking] = useState(true);
  const [runs, setRuns] = useState(0);

  useEffect(() => {
    setChecking(true);
    verifyChain(api)
      .then((verified) => {
        setResult(verified);
        setError(null);
      })
      .catch(setError)
      .finally(() => setChecking(false));
  }, [runs]);

  let badge;
  if (error) badge = <span class="badge badge-unknown">Chain status unavailable</span>;
  else if (!result) badge = <span class="badge badge-unknown">Checking the chain…</span>;
  else if (result.valid) {
    badge = (
      <span class="badge badge-valid">
        Chain valid · {result.checked} record{result.checked === 1 ? '' : 's'} checked ·{' '}
        {result.checkpoint ? `last checkpoint #${result.checkpoint.seq} at ${formatUtc(result.checkpoint.time)}` : 'no checkpoint yet'}
      </span>
    );
  } else {
    badge = (
      <span class="badge badge-invalid">
        Chain INVALID at record #{result.firstInvalidSeq ?? '?'}: {result.reason ?? 'unknown reason'} · {result.checked} checked
      </span>
    );
  }

  return (
    <div class="chain-status" role="status" aria-live="polite" data-testid="chain-status">
      {badge}
      <button type="button" class="button button-small" disabled={checking} onClick={() => setRuns((n) => n + 1)}>
        {checking ? 'Verifying…' : 'Verify again'}
      </button>
      <ProblemAlert error={error} />
    </div>
  );
}
