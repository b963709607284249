import { useState } from 'preact/hooks';
import { unwrap, type Schemas } from '../api/client';
import { ProblemAlert } from '../components/problem-alert';
import { useSession } from '../session-context';

/**
 * A token's secret in its edit dialog: masked with its hint; for a recoverable token, revealed only
 * when the user asks (the reveal is audited), and hidden again on request or when the dialog closes.
 */
export function TokenSecret({ token }: { token: Schemas['ApiToken'] }) {
  const { api, can } = useSession();
  const [revealed, setRevealed] = useState<string | null>(null);
  const [revealing, setRevealing] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function reveal() {
    setRevealing(true);
    setError(null);
    try {
      const answer = await unwrap(api.POST('/api/v1/apitokens/{id}/reveal', { params: { path: { id: token.id } } }));
      setRevealed(answer.data.token);
    } catch (failure) {
      setError(failure);
    } finally {
      setRevealing(false);
    }
  }

  return (
    <fieldset class="field" data-testid="token-secret">
      <legend>Secret</legend>
      <p>
        <code class="mono" data-secret-field="token">
          {revealed ?? `•••••••• ${token.hint}`}
        </code>
      </p>
      {!token.recoverable ? (
        <p class="muted small">Not recoverable: the secret was shown once, when the token was created or last rotated.</p>
      ) : revealed ? (
        <button type="button" class="button" onClick={() => setRevealed(null)}>
          Hide secret
        </button>
      ) : can('tokens:reveal') ? (
        <div>
          <p class="muted small">Revealing shows the secret in clear and is recorded in the audit trail.</p>
          <button type="button" class="button button-danger" disabled={revealing} onClick={reveal}>
            {revealing ? 'Revealing…' : 'Reveal secret'}
          </button>
        </div>
      ) : (
        <p class="muted small">Revealing this recoverable token's secret needs the tokens:reveal scope, which your token lacks.</p>
      )}
      <ProblemAlert error={error} />
    </fieldset>
  );
}
