import { useState } from 'preact/hooks';
import { unwrap, type Schemas } from '../api/client';
import { ConfirmDialog } from '../components/dialog';
import { Pager, usePagedList } from '../components/pager';
import { ProblemAlert } from '../components/problem-alert';
import { formatUtc } from '../lib/format';
import { useSession } from '../session-context';
import { RotateTokenDialog, TokenFormDialog } from './token-dialogs';

type ApiToken = Schemas['ApiToken'];

type Open = { kind: 'create' } | { kind: 'edit'; token: ApiToken } | { kind: 'rotate'; token: ApiToken } | { kind: 'revoke'; token: ApiToken };

export function TokensPage() {
  const { api, can, session, signOut } = useSession();
  const canWrite = can('tokens:write');
  const [filterInput, setFilterInput] = useState('');
  const [filter, setFilter] = useState('');
  const [open, setOpen] = useState<Open | null>(null);
  const [rowError, setRowError] = useState<{ id: string; error: unknown } | null>(null);
  const [pending, setPending] = useState<string | null>(null);
  const [revokeError, setRevokeError] = useState<unknown>(null);
  const [announcement, setAnnouncement] = useState('');

  const list = usePagedList<ApiToken>(
    (cursor, limit) => api.GET('/api/v1/apitokens', { params: { query: { limit, ...(cursor ? { cursor } : {}), ...(filter ? { name: filter } : {}) } } }),
    filter,
  );

  const replace = (token: ApiToken) => list.setItems((items) => items.map((item) => (item.id === token.id ? token : item)));

  async function toggle(token: ApiToken) {
    setPending(token.id);
    setRowError(null);
    try {
      const answer = await unwrap(
        api.PATCH('/api/v1/apitokens/{id}', { params: { path: { id: token.id } }, body: { enabled: !token.enabled } }),
      );
      replace(answer.data);
      setAnnouncement(`${answer.data.name} is now ${answer.data.enabled ? 'enabled' : 'disabled'}.`);
    } catch (error) {
      setRowError({ id: token.id, error });
    } finally {
      setPending(null);
    }
  }

  async function revoke(token: ApiToken) {
    setPending(token.id);
    setRevokeError(null);
    try {
      await unwrap(api.DELETE('/api/v1/apitokens/{id}', { params: { path: { id: token.id } } }));
      setOpen(null);
      if (token.id === session.identity.id) {
        signOut('You revoked the token this console was signed in with.');
        return;
      }
      list.setItems((items) => items.filter((item) => item.id !== token.id));
      setAnnouncement(`${token.name} was revoked.`);
    } catch (error) {
      setRevokeError(error);
    } finally {
      setPending(null);
    }
  }

  return (
    <section aria-labelledby="tokens-title">
      <div class="page-header">
        <h1 id="tokens-title" tabIndex={-1}>
          API tokens
        </h1>
        {canWrite && (
          <button type="button" class="button button-primary" onClick={() => setOpen({ kind: 'create' })}>
            Create token
          </button>
        )}
      </div>
      {!canWrite && <p class="alert alert-info">Read-only: this token lacks the tokens:write scope, so it cannot create or change tokens.</p>}

      <form
        class="filters"
        role="search"
        aria-label="Filter tokens"
        onSubmit={(event) => {
          event.preventDefault();
          const next = filterInput.trim();
          // Filtering again by the same text refreshes the list.
          if (next === filter) list.reload();
          else setFilter(next);
        }}
      >
        <label class="field">
          Name contains
          <input type="search" value={filterInput} maxLength={100} onInput={(event) => setFilterInput((event.currentTarget as HTMLInputElement).value)} />
        </label>
        <div class="filter-actions">
          <button type="submit" class="button">
            Filter
          </button>
          {filter && (
            <button
              type="button"
              class="button button-link"
              onClick={() => {
                setFilterInput('');
                setFilter('');
              }}
            >
              Clear
            </button>
          )}
        </div>
      </form>

      <p class="visually-hidden" aria-live="polite">
        {announcement}
      </p>
      <ProblemAlert error={list.error} />

      <div class="table-wrap">
        <table class="data-table" aria-describedby="tokens-caption" aria-busy={list.loading}>
          <caption id="tokens-caption" class="visually-hidden">
            API tokens of this account{filter ? `, names containing “${filter}”` : ''}
          </caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Type</th>
              <th scope="col">Enabled</th>
              <th scope="col">Scopes</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col">Expires</th>
              {canWrite && <th scope="col">Actions</th>}
            </tr>
          </thead>
          <tbody>
            {list.loading && list.items.length === 0 && (
              <tr>
                <td colSpan={8} class="empty">
                  Loading…
                </td>
              </tr>
            )}
            {!list.loading && list.items.length === 0 && (
              <tr>
                <td colSpan={8} class="empty">
                  {filter ? 'No token name contains that text.' : 'No tokens yet.'}
                </td>
              </tr>
            )}
            {list.items.map((token) => (
              <TokenRow
                key={token.id}
                token={token}
                canWrite={canWrite}
                current={token.id === session.identity.id}
                busy={pending === token.id}
                error={rowError?.id === token.id ? rowError.error : null}
                onToggle={() => toggle(token)}
                onEdit={() => setOpen({ kind: 'edit', token })}
                onRotate={() => setOpen({ kind: 'rotate', token })}
                onRevoke={() => {
                  setRevokeError(null);
                  setOpen({ kind: 'revoke', token });
                }}
              />
            ))}
          </tbody>
        </table>
      </div>
      <Pager
        label="Token"
        page={list.page}
        hasPrevious={list.hasPrevious}
        hasNext={list.hasNext}
        limit={list.limit}
        onPrevious={list.previous}
        onNext={list.next}
        onLimit={list.setLimit}
      />

      {open?.kind === 'create' && (
        <TokenFormDialog
          onClose={() => {
            setOpen(null);
            list.reload();
          }}
        />
      )}
      {open?.kind === 'edit' && (
        <TokenFormDialog
          token={open.token}
          onClose={() => setOpen(null)}
          onSaved={(token) => {
            replace(token);
            setOpen(null);
            setAnnouncement(`${token.name} was saved.`);
          }}
        />
      )}
      {open?.kind === 'rotate' && <RotateTokenDialog token={open.token} onClose={() => setOpen(null)} onRotated={replace} />}
      {open?.kind === 'revoke' && (
        <ConfirmDialog
          title={`Revoke ${open.token.name}?`}
          confirmLabel="Revoke token"
          busy={pending === open.token.id}
          error={revokeError}
          onConfirm={() => revoke(open.token)}
          onClose={() => setOpen(null)}
        >
          <p>
            Every request made with <strong>{open.token.name}</strong> ({open.token.hint}) is refused from now on. A revoked token cannot be
            restored.
          </p>
          {open.token.id === session.identity.id && <p class="alert alert-warning">This is the token this console is signed in with: you will be signed out.</p>}
        </ConfirmDialog>
      )}
    </section>
  );
}

interface TokenRowProps {
  token: ApiToken;
  canWrite: boolean;
  current: boolean;
  busy: boolean;
  error: unknown;
  onToggle: () => void;
  onEdit: () => void;
  onRotate: () => void;
  onRevoke: () => void;
}

function TokenRow({ token, canWrite, current, busy, error, onToggle, onEdit, onRotate, onRevoke }: TokenRowProps) {
  return (
    <>
      <tr data-token-id={token.id}>
        <th scope="row" data-label="Name">
          <span class="cell-title">{token.name}</span>
          {current && <span class="tag">this session</span>}
          <code class="muted small hint">{token.hint}</code>
        </th>
        <td data-label="Type">{token.type}</td>
        <td data-label="Enabled">
          <label class="switch">
            <input
              type="checkbox"
              role="switch"
              checked={token.enabled}
              disabled={!canWrite || busy}
              aria-label={`Enabled: ${token.name}`}
              onChange={onToggle}
            />
            <span aria-hidden="true">{token.enabled ? 'On' : 'Off'}</span>
          </label>
        </td>
        <td data-label="Scopes">
          <ul class="chips">
            {token.scopes.map((scope) => (
              <li key={scope} class="chip">
                {scope}
              </li>
            ))}
          </ul>
        </td>
        <td data-label="Created">{formatUtc(token.createdAt)}</td>
        <td data-label="Last used">{formatUtc(token.lastUsedAt, 'never')}</td>
        <td data-label="Expires">{formatUtc(token.expiresAt, 'never')}</td>
        {canWrite && (
          <td data-label="Actions">
            <div class="row-actions">
              <button type="button" class="button button-small" aria-label={`Edit ${token.name}`} onClick={onEdit}>
                Edit
              </button>
              <button type="button" class="button button-small" aria-label={`Rotate ${token.name}`} onClick={onRotate}>
                Rotate
              </button>
              <button type="button" class="button button-small button-danger" aria-label={`Revoke ${token.name}`} onClick={onRevoke}>
                Revoke
              </button>
            </div>
          </td>
        )}
      </tr>
      {Boolean(error) && (
        <tr class="row-error">
          <td colSpan={8}>
            <ProblemAlert error={error} />
          </td>
        </tr>
      )}
    </>
  );
}
