import { useState } from 'preact/hooks';
import { createApi, unwrap } from '../api/client';
import type { Session } from '../api/session';
import { ProblemAlert } from '../components/problem-alert';

export function SignIn({ notice, onSignedIn }: { notice: string | null; onSignedIn: (session: Session) => void }) {
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function submit(event: Event) {
    event.preventDefault();
    const candidate = token.trim();
    if (!candidate) {
      setError(new Error('Paste an API token to sign in.'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const answer = await unwrap(createApi({ token: candidate }).GET('/api/v1/apitokens/verify'));
      setToken('');
      onSignedIn({ token: candidate, identity: answer.data });
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  return (
    <main class="sign-in" id="main-content">
      <form class="card" onSubmit={submit} aria-labelledby="sign-in-title" noValidate>
        <div class="brand">
          <span class="brand-mark" aria-hidden="true" />
          Warden
        </div>
        <h1 id="sign-in-title">Sign in to the console</h1>
        {notice && (
          <p class="alert alert-info" role="status">
            {notice}
          </p>
        )}
        <label for="token">API token</label>
        <input
          id="token"
          name="token"
          type="password"
          autocomplete="off"
          spellcheck={false}
          value={token}
          aria-describedby="token-help"
          aria-invalid={error ? true : undefined}
          onInput={(event) => setToken((event.currentTarget as HTMLInputElement).value)}
          autoFocus
        />
        <p id="token-help" class="muted small">
          The token stays in this browser tab only (sessionStorage) and is forgotten when you sign out or close the tab.
          What you can do here follows its scopes.
        </p>
        <ProblemAlert error={error} />
        <button type="submit" class="button button-primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
