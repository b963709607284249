import { Fragment } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { unwrap, type Schemas } from '../api/client';
import { ConfirmDialog, Dialog } from '../components/dialog';
import { Pager, usePagedList } from '../components/pager';
import { ProblemAlert } from '../components/problem-alert';
import { formatUtc } from '../lib/format';
import { useSession } from '../session-context';
import { CredentialFormDialog } from './credential-form';

type Summary = Schemas['CredentialSummary'];
type TypeDescription = Schemas['CredentialTypeDescription'];

type Open = { kind: 'create' } | { kind: 'edit'; id: string } | { kind: 'view'; id: string } | { kind: 'delete'; credential: Summary };

export function CredentialsPage() {
  const { api, can } = useSession();
  const canWrite = can('credentials:write');
  const [types, setTypes] = useState<TypeDescription[] | null>(null);
  const [typesError, setTypesError] = useState<unknown>(null);
  const [open, setOpen] = useState<Open | null>(null);
  const [busy, setBusy] = useState(false);
  const [deleteError, setDeleteError] = useState<unknown>(null);
  const [announcement, setAnnouncement] = useState('');

  useEffect(() => {
    unwrap(api.GET('/api/v1/credentials/types'))
      .then((answer) => setTypes(answer.data))
      .catch(setTypesError);
  }, [api]);

  const list = usePagedList<Summary>((cursor, limit) => api.GET('/api/v1/credentials', { params: { query: { limit, ...(cursor ? { cursor } : {}) } } }), '');
  const typeLabel = (type: string) => types?.find((t) => t.type === type)?.label ?? type;

  async function remove(credential: Summary) {
    setBusy(true);
    setDeleteError(null);
    try {
      await unwrap(api.DELETE('/api/v1/credentials/{idOrMoniker}', { params: { path: { idOrMoniker: credential.id } } }));
      setOpen(null);
      list.setItems((items) => items.filter((item) => item.id !== credential.id));
      setAnnouncement(`${credential.name} was deleted.`);
    } catch (error) {
      setDeleteError(error);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="credentials-title">
      <div class="page-header">
        <h1 id="credentials-title" tabIndex={-1}>
          Credentials
        </h1>
        {canWrite && (
          <button type="button" class="button button-primary" disabled={!types} onClick={() => setOpen({ kind: 'create' })}>
            Add credential
          </button>
        )}
      </div>
      {!canWrite && <p class="alert alert-info">Read-only: this token lacks the credentials:write scope, so it cannot add or change credentials.</p>}
      <ProblemAlert error={typesError} />
      <p class="visually-hidden" aria-live="polite">
        {announcement}
      </p>
      <ProblemAlert error={list.error} />

      <div class="table-wrap">
        <table class="data-table" aria-busy={list.loading}>
          <caption class="visually-hidden">Credentials of this account</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Moniker</th>
              <th scope="col">Type</th>
              <th scope="col">Created</th>
              <th scope="col">Updated</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {list.loading && list.items.length === 0 && (
              <tr>
                <td colSpan={6} class="empty">
                  Loading…
                </td>
              </tr>
            )}
            {!list.loading && list.items.length === 0 && (
              <tr>
                <td colSpan={6} class="empty">
                  No credentials yet.
                </td>
              </tr>
            )}
            {list.items.map((credential) => (
              <tr key={credential.id} data-credential-id={credential.id}>
                <th scope="row" data-label="Name">
                  <span class="cell-title">{credential.name}</span>
                </th>
                <td data-label="Moniker">
                  <code>{credential.moniker}</code>
                </td>
                <td data-label="Type">{typeLabel(credential.type)}</td>
                <td data-label="Created">{formatUtc(credential.createdAt)}</td>
                <td data-label="Updated">{formatUtc(credential.updatedAt)}</td>
                <td data-label="Actions">
                  <div class="row-actions">
                    <button type="button" class="button button-small" aria-label={`View ${credential.name}`} onClick={() => setOpen({ kind: 'view', id: credential.id })}>
                      View
                    </button>
                    {canWrite && (
                      <>
                        <button
                          type="button"
                          class="button button-small"
                          aria-label={`Edit ${credential.name}`}
                          disabled={!types}
                          onClick={() => setOpen({ kind: 'edit', id: credential.id })}
                        >
                          Edit
                        </button>
                        <button
                          type="button"
                          class="button button-small button-danger"
                          aria-label={`Delete ${credential.name}`}
                          onClick={() => {
                            setDeleteError(null);
                            setOpen({ kind: 'delete', credential });
                          }}
                        >
                          Delete
                        </button>
                      </>
                    )}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Pager
        label="Credential"
        page={list.page}
        hasPrevious={list.hasPrevious}
        hasNext={list.hasNext}
        limit={list.limit}
        onPrevious={list.previous}
        onNext={list.next}
        onLimit={list.setLimit}
      />

      {open?.kind === 'create' && types && (
        <CredentialFormDialog
          types={types}
          onClose={() => setOpen(null)}
          onSaved={(credential) => {
            setOpen(null);
            setAnnouncement(`${credential.name} was added.`);
            list.reload();
          }}
        />
      )}
      {open?.kind === 'edit' && types && (
        <CredentialFormDialog
          types={types}
          id={open.id}
          onClose={() => setOpen(null)}
          onSaved={(credential) => {
            setOpen(null);
            setAnnouncement(`${credential.name} was saved.`);
            list.setItems((items) => items.map((item) => (item.id === credential.id ? { ...item, name: credential.name, updatedAt: credential.updatedAt } : item)));
          }}
        />
      )}
      {open?.kind === 'view' && <CredentialDetailDialog id={open.id} typeLabel={typeLabel} types={types} onClose={() => setOpen(null)} />}
      {open?.kind === 'delete' && (
        <ConfirmDialog
          title={`Delete ${open.credential.name}?`}
          confirmLabel="Delete credential"
          busy={busy}
          error={deleteError}
          onConfirm={() => remove(open.credential)}
          onClose={() => setOpen(null)}
        >
          <p>
            The credential <strong>{open.credential.name}</strong> (<code>{open.credential.moniker}</code>) and its secrets are deleted. Services
            that use it can no longer read it.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}

interface DetailProps {
  id: string;
  types: TypeDescription[] | null;
  typeLabel: (type: string) => string;
  onClose: () => void;
}

function CredentialDetailDialog({ id, types, typeLabel, onClose }: DetailProps) {
  const { api, can } = useSession();
  const [credential, setCredential] = useState<Schemas['Credential'] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [revealed, setRevealed] = useState<Record<string, string> | null>(null);
  const [revealError, setRevealError] = useState<unknown>(null);
  const [revealing, setRevealing] = useState(false);

  useEffect(() => {
    unwrap(api.GET('/api/v1/credentials/{idOrMoniker}', { params: { path: { idOrMoniker: id } } }))
      .then((answer) => setCredential(answer.data))
      .catch(setError);
  }, [id]);

  async function reveal() {
    setRevealing(true);
    setRevealError(null);
    try {
      const answer = await unwrap(api.POST('/api/v1/credentials/{idOrMoniker}/reveal', { params: { path: { idOrMoniker: id } } }));
      setRevealed(answer.data.secrets);
    } catch (failure) {
      setRevealError(failure);
    } finally {
      setRevealing(false);
    }
  }

  const description = types?.find((t) => t.type === credential?.type);
  const label = (name: string, fields: { name: string; label: string }[] | undefined) => fields?.find((f) => f.name === name)?.label ?? name;

  return (
    <Dialog title={credential ? credential.name : 'Credential'} onClose={onClose} wide>
      <ProblemAlert error={error} />
      {!credential && !error && <p>Loading…</p>}
      {credential && (
        <>
          <dl class="details">
            <dt>Moniker</dt>
            <dd>
              <code>{credential.moniker}</code>
            </dd>
            <dt>Type</dt>
            <dd>{typeLabel(credential.type)}</dd>
            <dt>Id</dt>
            <dd>
              <code>{credential.id}</code>
            </dd>
            <dt>Created</dt>
            <dd>{formatUtc(credential.createdAt)}</dd>
            <dt>Updated</dt>
            <dd>{formatUtc(credential.updatedAt)}</dd>
          </dl>
          <h3>Properties</h3>
          <dl class="details">
            {Object.entries(credential.properties).map(([name, value]) => (
              <Fragment key={name}>
                <dt>{label(name, description?.properties)}</dt>
                <dd>{Array.isArray(value) ? value.join(', ') : String(value)}</dd>
              </Fragment>
            ))}
          </dl>
          <h3>Secrets</h3>
          <dl class="details" data-testid="credential-secrets">
            {Object.entries(credential.secrets).map(([name, masked]) => (
              <Fragment key={name}>
                <dt>{label(name, description?.secrets)}</dt>
                <dd>
                  <code data-secret-field={name}>{revealed ? revealed[name] : masked}</code>
                </dd>
              </Fragment>
            ))}
          </dl>
          {can('credentials:reveal') ? (
            revealed ? (
              <button type="button" class="button" onClick={() => setRevealed(null)}>
                Hide secrets
              </button>
            ) : (
              <div>
                <p class="muted small">Revealing shows the secrets in clear and is recorded in the audit trail.</p>
                <button type="button" class="button button-danger" disabled={revealing} onClick={reveal}>
                  {revealing ? 'Revealing…' : 'Reveal secrets'}
                </button>
              </div>
            )
          ) : (
            <p class="muted small">Revealing secrets needs the credentials:reveal scope.</p>
          )}
          <ProblemAlert error={revealError} />
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
