import { useState } from 'preact/hooks';
import { ALL_SCOPES, unwrap, type Schemas, type Scope } from '../api/client';
import { Dialog } from '../components/dialog';
import { ProblemAlert } from '../components/problem-alert';
import { SecretOnce } from '../components/secret-once';
import { formatUtc, isoToUtcInput, splitList, utcInputToIso } from '../lib/format';
import { useSession } from '../session-context';

type ApiToken = Schemas['ApiToken'];

interface FormState {
  name: string;
  type: Schemas['ApiTokenType'];
  enabled: boolean;
  scopes: Scope[];
  allowedIps: string;
  expiresAt: string;
  rateLimit: string;
  rateWindow: string;
}

function initialState(token: ApiToken | undefined, callerScopes: Scope[]): FormState {
  return {
    name: token?.name ?? '',
    type: token?.type ?? 'api',
    enabled: token?.enabled ?? true,
    scopes: token ? [...token.scopes] : [...callerScopes],
    allowedIps: token?.allowedIps.join('\n') ?? '',
    expiresAt: isoToUtcInput(token?.expiresAt),
    rateLimit: token?.rateLimit ? String(token.rateLimit.limit) : '',
    rateWindow: token?.rateLimit ? String(token.rateLimit.windowSeconds) : '',
  };
}

type FieldErrors = Partial<Record<keyof FormState, string>>;

function validate(form: FormState): FieldErrors {
  const errors: FieldErrors = {};
  const name = form.name.trim();
  if (!name) errors.name = 'Give the token a name.';
  else if (name.length > 100) errors.name = 'At most 100 characters.';
  const ips = splitList(form.allowedIps);
  const badIp = ips.find((ip) => !/^[0-9A-Fa-f:.]+(?:\/[0-9]{1,3})?$/.test(ip));
  if (badIp) errors.allowedIps = `“${badIp}” is not an IP address or CIDR range.`;
  else if (ips.length > 100) errors.allowedIps = 'At most 100 entries.';
  if (form.expiresAt) {
    const when = utcInputToIso(form.expiresAt);
    if (!when) errors.expiresAt = 'Not a valid date and time.';
    else if (Date.parse(when) <= Date.now()) errors.expiresAt = 'Must be in the future.';
  }
  if (Boolean(form.rateLimit) !== Boolean(form.rateWindow)) errors.rateLimit = 'Give both the number of requests and the window, or neither.';
  else if (form.rateLimit) {
    const limit = Number(form.rateLimit);
    const window = Number(form.rateWindow);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100_000) errors.rateLimit = 'Requests: a whole number from 1 to 100000.';
    else if (!Number.isInteger(window) || window < 1 || window > 86_400) errors.rateLimit = 'Window: a whole number of seconds from 1 to 86400.';
  }
  return errors;
}

function toRequest(form: FormState) {
  return {
    name: form.name.trim(),
    scopes: ALL_SCOPES.filter((scope) => form.scopes.includes(scope)),
    allowedIps: splitList(form.allowedIps),
    expiresAt: utcInputToIso(form.expiresAt) ?? null,
    rateLimit: form.rateLimit ? { limit: Number(form.rateLimit), windowSeconds: Number(form.rateWindow) } : null,
  };
}

/** Only the fields that changed: a PATCH that repeats scopes the caller lacks would be refused. */
function changes(token: ApiToken, form: FormState): Schemas['UpdateApiTokenRequest'] {
  const next = toRequest(form);
  const patch: Schemas['UpdateApiTokenRequest'] = {};
  if (next.name !== token.name) patch.name = next.name;
  if (form.enabled !== token.enabled) patch.enabled = form.enabled;
  if (JSON.stringify([...next.scopes].sort()) !== JSON.stringify([...token.scopes].sort())) patch.scopes = next.scopes;
  if (JSON.stringify(next.allowedIps) !== JSON.stringify(token.allowedIps)) patch.allowedIps = next.allowedIps;
  // datetime-local has minute precision: an untouched input keeps the stored instant.
  if (form.expiresAt !== isoToUtcInput(token.expiresAt)) patch.expiresAt = next.expiresAt;
  if (JSON.stringify(next.rateLimit) !== JSON.stringify(token.rateLimit ?? null)) patch.rateLimit = next.rateLimit;
  return patch;
}

interface TokenFormDialogProps {
  /** Absent: create a token. */
  token?: ApiToken;
  onClose: () => void;
  onSaved?: (token: ApiToken) => void;
}

export function TokenFormDialog({ token, onClose, onSaved }: TokenFormDialogProps) {
  const { api, session } = useSession();
  const callerScopes = session.identity.scopes;
  const [form, setForm] = useState<FormState>(() => initialState(token, callerScopes));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<Schemas['CreatedApiToken'] | null>(null);
  const set = <K extends keyof FormState>(key: K, value: FormState[K]) => setForm((current) => ({ ...current, [key]: value }));
  const fieldId = (name: string) => `token-${name}`;

  async function submit(event: Event) {
    event.preventDefault();
    const found = validate(form);
    setErrors(found);
    if (Object.keys(found).length > 0) {
      const first = Object.keys(found)[0];
      document.getElementById(fieldId(first))?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      if (token) {
        const patch = changes(token, form);
        if (Object.keys(patch).length === 0) {
          onClose();
          return;
        }
        const answer = await unwrap(api.PATCH('/api/v1/apitokens/{id}', { params: { path: { id: token.id } }, body: patch }));
        onSaved?.(answer.data);
      } else {
        const body = toRequest(form);
        const answer = await unwrap(
          api.POST('/api/v1/apitokens', {
            body: {
              name: body.name,
              type: form.type,
              enabled: form.enabled,
              scopes: body.scopes,
              ...(body.allowedIps.length ? { allowedIps: body.allowedIps } : {}),
              ...(body.expiresAt ? { expiresAt: body.expiresAt } : {}),
              ...(body.rateLimit ? { rateLimit: body.rateLimit } : {}),
            },
          }),
        );
        setCreated(answer.data);
      }
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  if (created) {
    return (
      <Dialog title={`Token ${created.name} created`} onClose={onClose}>
        <SecretOnce secret={created.token} label="New API token" />
        <div class="dialog-actions">
          <button type="button" class="button button-primary" onClick={onClose}>
            Done
          </button>
        </div>
      </Dialog>
    );
  }

  const described = (name: keyof FormState, help?: string) =>
    [errors[name] ? `${fieldId(name)}-error` : '', help ? `${fieldId(name)}-help` : ''].filter(Boolean).join(' ') || undefined;
  const fieldError = (name: keyof FormState) =>
    errors[name] ? (
      <p id={`${fieldId(name)}-error`} class="field-error">
        {errors[name]}
      </p>
    ) : null;

  return (
    <Dialog title={token ? `Edit ${token.name}` : 'Create an API token'} onClose={onClose} wide>
      <form onSubmit={submit} noValidate>
        <div class="field">
          <label for={fieldId('name')}>Name</label>
          <input
            id={fieldId('name')}
            value={form.name}
            maxLength={100}
            required
            aria-invalid={errors.name ? true : undefined}
            aria-describedby={described('name')}
            onInput={(event) => set('name', (event.currentTarget as HTMLInputElement).value)}
          />
          {fieldError('name')}
        </div>

        {!token && (
          <fieldset class="field">
            <legend>Type</legend>
            <label class="inline">
              <input type="radio" name="token-type" checked={form.type === 'api'} onChange={() => set('type', 'api')} /> API (acts for the account)
            </label>
            <label class="inline">
              <input type="radio" name="token-type" checked={form.type === 'service'} onChange={() => set('type', 'service')} /> Service (a named
              service account)
            </label>
          </fieldset>
        )}

        <div class="field">
          <label class="inline">
            <input type="checkbox" checked={form.enabled} onChange={(event) => set('enabled', (event.currentTarget as HTMLInputElement).checked)} />{' '}
            Enabled
          </label>
        </div>

        <fieldset class="field" aria-describedby={fieldId('scopes-help')}>
          <legend>Scopes</legend>
          <p id={fieldId('scopes-help')} class="muted small">
            A token can only grant scopes that your own token has.
          </p>
          <div class="checkbox-grid">
            {ALL_SCOPES.map((scope) => {
              const held = callerScopes.includes(scope);
              return (
                <label key={scope} class={held ? 'inline' : 'inline muted'}>
                  <input
                    type="checkbox"
                    checked={form.scopes.includes(scope)}
                    disabled={!held}
                    onChange={(event) =>
                      set('scopes', (event.currentTarget as HTMLInputElement).checked ? [...form.scopes, scope] : form.scopes.filter((s) => s !== scope))
                    }
                  />{' '}
                  {scope}
                  {!held && <span class="visually-hidden"> (not held by your token)</span>}
                </label>
              );
            })}
          </div>
        </fieldset>

        <div class="field">
          <label for={fieldId('allowedIps')}>Allowed IPs</label>
          <textarea
            id={fieldId('allowedIps')}
            rows={3}
            value={form.allowedIps}
            aria-invalid={errors.allowedIps ? true : undefined}
            aria-describedby={described('allowedIps', 'One address or CIDR range per line; empty allows any address.')}
            onInput={(event) => set('allowedIps', (event.currentTarget as HTMLTextAreaElement).value)}
          />
          <p id={`${fieldId('allowedIps')}-help`} class="muted small">
            One address or CIDR range per line (203.0.113.0/24, 2001:db8::/32); empty allows any address.
          </p>
          {fieldError('allowedIps')}
        </div>

        <div class="field">
          <label for={fieldId('expiresAt')}>Expires at (UTC)</label>
          <input
            id={fieldId('expiresAt')}
            type="datetime-local"
            value={form.expiresAt}
            aria-invalid={errors.expiresAt ? true : undefined}
            aria-describedby={described('expiresAt', 'help')}
            onInput={(event) => set('expiresAt', (event.currentTarget as HTMLInputElement).value)}
          />
          <p id={`${fieldId('expiresAt')}-help`} class="muted small">
            Leave empty for a token that does not expire.
          </p>
          {fieldError('expiresAt')}
        </div>

        <fieldset class="field" aria-describedby={described('rateLimit', 'help')}>
          <legend>Rate limit</legend>
          <div class="inline-fields">
            <label class="inline" for={fieldId('rateLimit')}>
              Requests
            </label>
            <input
              id={fieldId('rateLimit')}
              type="number"
              min={1}
              max={100000}
              step={1}
              inputMode="numeric"
              class="narrow"
              value={form.rateLimit}
              aria-invalid={errors.rateLimit ? true : undefined}
              onInput={(event) => set('rateLimit', (event.currentTarget as HTMLInputElement).value)}
            />
            <label class="inline" for={fieldId('rateWindow')}>
              per (seconds)
            </label>
            <input
              id={fieldId('rateWindow')}
              type="number"
              min={1}
              max={86400}
              step={1}
              inputMode="numeric"
              class="narrow"
              value={form.rateWindow}
              aria-invalid={errors.rateLimit ? true : undefined}
              onInput={(event) => set('rateWindow', (event.currentTarget as HTMLInputElement).value)}
            />
          </div>
          <p id={`${fieldId('rateLimit')}-help`} class="muted small">
            Leave both empty for the platform default.
          </p>
          {fieldError('rateLimit')}
        </fieldset>

        <ProblemAlert error={error} />
        <div class="dialog-actions">
          <button type="button" class="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="button button-primary" disabled={busy}>
            {busy ? 'Saving…' : token ? 'Save changes' : 'Create token'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

export function RotateTokenDialog({ token, onClose, onRotated }: { token: ApiToken; onClose: () => void; onRotated: (token: ApiToken) => void }) {
  const { api, session, replaceToken } = useSession();
  const [grace, setGrace] = useState('0');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [rotated, setRotated] = useState<Schemas['RotatedApiToken'] | null>(null);
  const own = token.id === session.identity.id;

  async function rotate(event: Event) {
    event.preventDefault();
    const seconds = Number(grace || '0');
    if (!Number.isInteger(seconds) || seconds < 0 || seconds > 604_800) {
      setError(new Error('The grace period is a whole number of seconds from 0 to 604800 (7 days).'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const answer = await unwrap(
        api.POST('/api/v1/apitokens/{id}/rotate', { params: { path: { id: token.id } }, body: { gracePeriodSeconds: seconds } }),
      );
      setRotated(answer.data);
      const { token: _secret, previousSecretExpiresAt: _until, ...metadata } = answer.data;
      onRotated(metadata);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  function close() {
    // The console keeps working after rotating its own token: it switches to the new secret.
    if (rotated && own) replaceToken(rotated.token);
    onClose();
  }

  if (rotated) {
    return (
      <Dialog title={`New secret for ${rotated.name}`} onClose={close}>
        <SecretOnce secret={rotated.token} label="New API token" />
        <p>
          The previous secret {Date.parse(rotated.previousSecretExpiresAt) <= Date.now() ? 'has stopped working' : 'keeps working until'}{' '}
          <strong>{formatUtc(rotated.previousSecretExpiresAt)}</strong>.
        </p>
        {own && <p class="muted small">This console switches to the new secret when you close this dialog.</p>}
        <div class="dialog-actions">
          <button type="button" class="button button-primary" onClick={close}>
            Done
          </button>
        </div>
      </Dialog>
    );
  }

  return (
    <Dialog title={`Rotate ${token.name}?`} onClose={onClose}>
      <form onSubmit={rotate} noValidate>
        <p>
          Issues a new secret for <strong>{token.name}</strong>; its id, scopes and settings stay the same. Whoever uses the current secret must switch
          to the new one.
        </p>
        <div class="field">
          <label for="rotate-grace">Grace period (seconds)</label>
          <input
            id="rotate-grace"
            type="number"
            min={0}
            max={604800}
            step={1}
            inputMode="numeric"
            class="narrow"
            value={grace}
            aria-describedby="rotate-grace-help"
            onInput={(event) => setGrace((event.currentTarget as HTMLInputElement).value)}
          />
          <p id="rotate-grace-help" class="muted small">
            How long the current secret keeps working; 0 stops it at once.
          </p>
        </div>
        <ProblemAlert error={error} />
        <div class="dialog-actions">
          <button type="button" class="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="button button-danger" disabled={busy}>
            {busy ? 'Rotating…' : 'Rotate secret'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
