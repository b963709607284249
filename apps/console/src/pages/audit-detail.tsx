import { useEffect, useState } from 'preact/hooks';
import { unwrap, type Schemas } from '../api/client';
import { Dialog } from '../components/dialog';
import { ProblemAlert } from '../components/problem-alert';
import { formatUtc } from '../lib/format';
import { auditChange, changedFields, changedPaths, jsonLines, type JsonPath } from '../lib/json-diff';
import { useSession } from '../session-context';

export function AuditDetailDialog({ id, onClose }: { id: string; onClose: () => void }) {
  const { api } = useSession();
  const [record, setRecord] = useState<Schemas['AuditRecordWithCanonical'] | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    unwrap(api.GET('/api/v1/audit/{id}', { params: { path: { id } } }))
      .then((answer) => setRecord(answer.data))
      .catch(setError);
  }, [id]);

  const change = record ? auditChange(record.detail) : undefined;

  return (
    <Dialog title={record ? `${record.objectType} ${record.auditType}` : 'Audit record'} onClose={onClose} wide>
      <ProblemAlert error={error} />
      {!record && !error && <p>Loading…</p>}
      {record && (
        <>
          <dl class="details details-columns">
            <dt>Timestamp</dt>
            <dd>{formatUtc(record.timestamp)}</dd>
            <dt>Sequence</dt>
            <dd>#{record.seq}</dd>
            <dt>Object</dt>
            <dd>{record.objectType}</dd>
            <dt>Identifier</dt>
            <dd>
              <code>{record.objectId}</code>
            </dd>
            <dt>Action</dt>
            <dd>{record.auditType}</dd>
            <dt>Username</dt>
            <dd>{record.username}</dd>
            <dt>Actor</dt>
            <dd>
              {record.actor.name} <span class="muted">({record.actor.type}, <code>{record.actor.id}</code>)</span>
            </dd>
            <dt>Remote IP</dt>
            <dd>{record.remoteIp ?? '—'}</dd>
            <dt>Hash</dt>
            <dd>
              <code class="hash">{record.hash}</code>
            </dd>
            <dt>Previous hash</dt>
            <dd>
              <code class="hash">{record.prevHash}</code>
            </dd>
          </dl>
          {change ? <ChangeView prior={change.prior} after={change.after} hasPrior={'prior' in change} hasAfter={'after' in change} /> : <RawDetail detail={record.detail} />}
        </>
      )}
      <div class="dialog-actions">
        <button type="button" class="button" onClick={onClose}>
          Close
        </button>
      </div>
    </Dialog>
  );
}

function ChangeView({ prior, after, hasPrior, hasAfter }: { prior: unknown; after: unknown; hasPrior: boolean; hasAfter: boolean }) {
  const both = hasPrior && hasAfter;
  const changed = both ? changedPaths(prior, after) : [];
  // The exact fields when they are few (`properties.host`), else the top-level ones.
  const fields = changed.length <= 6 ? changed.map((path) => path || '(whole value)') : changedFields(prior, after);
  return (
    <section aria-labelledby="change-title">
      <h3 id="change-title">Change</h3>
      {both && (
        <p data-testid="changed-fields">
          {fields.length ? (
            <>
              Changed fields: <strong>{fields.join(', ')}</strong>
            </>
          ) : (
            'No field changed.'
          )}
        </p>
      )}
      <div class={both ? 'diff diff-two' : 'diff'}>
        {hasPrior && <JsonPane title="Before" value={prior} changed={changed} side="prior" />}
        {hasAfter && <JsonPane title="After" value={after} changed={changed} side="after" />}
      </div>
    </section>
  );
}

function JsonPane({ title, value, changed, side }: { title: string; value: unknown; changed: JsonPath[]; side: 'prior' | 'after' }) {
  const lines = jsonLines(value, changed);
  return (
    <figure class={`json-pane json-${side}`}>
      <figcaption>{title}</figcaption>
      <pre tabIndex={0} aria-label={`${title} (JSON)`}>
        {lines.map((line, index) => (
          <span key={index} class={line.changed ? 'json-line json-changed' : 'json-line'} data-path={line.path || undefined}>
            {'  '.repeat(line.depth)}
            {line.text}
            {line.changed && <span class="visually-hidden"> (changed)</span>}
            {'\n'}
          </span>
        ))}
      </pre>
    </figure>
  );
}

function RawDetail({ detail }: { detail: unknown }) {
  return (
    <section aria-labelledby="detail-title">
      <h3 id="detail-title">Detail</h3>
      <pre class="json-pane" tabIndex={0}>
        {JSON.stringify(detail, null, 2)}
      </pre>
    </section>
  );
}
