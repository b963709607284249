import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiError, createApi, unwrap, type Scope } from './api/client';
import { clearSession, loadSession, saveSession, type Session } from './api/session';
import { SessionContext, useSession, type SessionContextValue } from './session-context';
import { SignIn } from './pages/sign-in';
import { TokensPage } from './pages/tokens-page';
import { CredentialsPage } from './pages/credentials-page';
import { AuditPage } from './pages/audit-page';

interface Route {
  id: 'tokens' | 'credentials' | 'audit';
  label: string;
  scope: Scope;
}

const ROUTES: Route[] = [
  { id: 'tokens', label: 'API tokens', scope: 'tokens:read' },
  { id: 'credentials', label: 'Credentials', scope: 'credentials:read' },
  { id: 'audit', label: 'Audit activity', scope: 'audit:read' },
];

function currentHash(): string {
  return window.location.hash.replace(/^#\/?/, '');
}

function useHashRoute(): string {
  const [hash, setHash] = useState(currentHash);
  useEffect(() => {
    const onChange = () => setHash(currentHash());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return hash;
}

export function App() {
  const [session, setSession] = useState<Session | null>(loadSession);
  // A session restored from this tab's storage is checked again; a fresh sign-in was just verified.
  const [restored] = useState(() => session !== null);
  const [notice, setNotice] = useState<string | null>(null);

  const signOut = useCallback((reason?: string) => {
    clearSession();
    setSession(null);
    setNotice(reason ?? 'You are signed out. The token was forgotten by this browser tab.');
  }, []);

  const signIn = useCallback((next: Session) => {
    saveSession(next);
    setSession(next);
    setNotice(null);
  }, []);

  const value = useMemo<SessionContextValue | null>(() => {
    if (!session) return null;
    const api = createApi({
      token: session.token,
      onUnauthorized: (error: ApiError) => signOut(`You were signed out: ${error.problem.detail}`),
    });
    return {
      session,
      api,
      can: (scope) => session.identity.scopes.includes(scope),
      signOut,
      replaceToken: (token) => signIn({ ...session, token }),
    };
  }, [session, signOut, signIn]);

  if (!value) return <SignIn notice={notice} onSignedIn={signIn} />;
  return (
    <SessionContext.Provider value={value}>
      <Shell recheck={restored} onIdentity={(identity) => signIn({ ...value.session, identity })} />
    </SessionContext.Provider>
  );
}

function Shell({ recheck, onIdentity }: { recheck: boolean; onIdentity: (identity: Session['identity']) => void }) {
  const { session, api, can, signOut } = useSession();
  const hash = useHashRoute();
  const allowed = ROUTES.filter((route) => can(route.scope));
  const route = ROUTES.find((r) => hash === r.id || hash.startsWith(`${r.id}/`)) ?? allowed[0];
  const main = useRef<HTMLElement>(null);
  const firstRender = useRef(true);

  // The token's scopes may have changed since it was stored in this tab: ask again on load.
  useEffect(() => {
    if (!recheck) return;
    unwrap(api.GET('/api/v1/apitokens/verify'))
      .then((answer) => {
        if (JSON.stringify(answer.data) !== JSON.stringify(session.identity)) onIdentity(answer.data);
      })
      .catch(() => undefined); // a 401 signs out through the client; other failures show on the pages
  }, [session.token]);

  // A new page: move focus to its heading, as a page load would for a screen reader.
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    main.current?.querySelector<HTMLElement>('h1')?.focus();
  }, [route?.id]);

  const { identity } = session;
  return (
    <div class="shell">
      <a class="skip-link" href="#main-content" onClick={(event) => {
        event.preventDefault();
        main.current?.querySelector<HTMLElement>('h1')?.focus();
      }}>
        Skip to content
      </a>
      <header class="topbar">
        <div class="brand">
          <span class="brand-mark" aria-hidden="true" />
          Warden
        </div>
        <nav aria-label="Main" class="main-nav">
          <ul>
            {ROUTES.map((r) =>
              can(r.scope) ? (
                <li key={r.id}>
                  <a href={`#/${r.id}`} aria-current={route?.id === r.id ? 'page' : undefined}>
                    {r.label}
                  </a>
                </li>
              ) : null,
            )}
          </ul>
        </nav>
        <section class="account" aria-label="Signed-in token">
          <div class="account-text">
            <span>
              Token <strong data-testid="token-name">{identity.name}</strong> <span class="muted">({identity.type})</span>
            </span>
            <span class="muted small">
              Account <code data-testid="account-id">{identity.accountId}</code>
            </span>
          </div>
          <button type="button" class="button" onClick={() => signOut()}>
            Sign out
          </button>
        </section>
      </header>
      <div class="scope-bar" aria-label="Scopes of this token">
        <span class="muted small">Scopes:</span>
        <ul class="chips" data-testid="session-scopes">
          {identity.scopes.map((scope) => (
            <li key={scope} class="chip">
              {scope}
            </li>
          ))}
        </ul>
        {identity.expiresAt && <span class="muted small">Expires {new Date(identity.expiresAt).toISOString().slice(0, 16).replace('T', ' ')} UTC</span>}
      </div>
      <main id="main-content" ref={main}>
        {!route ? (
          <section>
            <h1 tabIndex={-1}>Nothing to show</h1>
            <p>This token has none of the scopes the console pages need (tokens:read, credentials:read, audit:read).</p>
          </section>
        ) : !can(route.scope) ? (
          <section>
            <h1 tabIndex={-1}>{route.label}</h1>
            <p class="alert alert-warning">This page needs the {route.scope} scope, which this token does not have.</p>
          </section>
        ) : route.id === 'tokens' ? (
          <TokensPage />
        ) : route.id === 'credentials' ? (
          <CredentialsPage />
        ) : (
          <AuditPage />
        )}
      </main>
    </div>
  );
}
