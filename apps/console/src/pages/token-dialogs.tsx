import { Fragment } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ALL_SCOPES, ApiError, unwrap, type Schemas, type Scope } from '../api/client';
import { Dialog } from '../components/dialog';
import { ProblemAlert } from '../components/problem-alert';
import { SecretOnce } from '../components/secret-once';
import { TokenSecret } from './token-secret';
import { formatUtc, isoToUtcInput, splitList, utcInputToIso } from '../lib/format';
import {
  TOKEN_FIELDS,
  allowlistHint,
  callerLimits,
  describeTokenLimits,
  expiryHint,
  inheritedValues,
  placeFieldErrors,
  rateLimitHint,
  tokenFieldOf,
  type CallerLimits,
  type RateLimit,
  type TokenField,
} from '../lib/limits';
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
  /** Also keep the secret encrypted, for `tokens:reveal`: chosen at creation, afterwards only turned off. */
  recoverable: boolean;
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
    recoverable: token?.recoverable ?? false,
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

/** The form's limits; an empty field is undefined: it inherits the signed-in token's value. */
function typedLimits(form: FormState): { allowedIps?: string[]; expiresAt?: string; rateLimit?: RateLimit } {
  const allowedIps = splitList(form.allowedIps);
  const expiresAt = utcInputToIso(form.expiresAt);
  return {
    ...(allowedIps.length ? { allowedIps } : {}),
    ...(expiresAt ? { expiresAt } : {}),
    ...(form.rateLimit ? { rateLimit: { limit: Number(form.rateLimit), windowSeconds: Number(form.rateWindow) } } : {}),
  };
}

function orderedScopes(form: FormState): Scope[] {
  return ALL_SCOPES.filter((scope) => form.scopes.includes(scope));
}

/** A new token: empty limit fields are left out, so the API copies the signed-in token's. */
function creation(form: FormState): Schemas['CreateApiTokenRequest'] {
  return {
    name: form.name.trim(),
    type: form.type,
    enabled: form.enabled,
    scopes: orderedScopes(form),
    ...typedLimits(form),
    ...(form.recoverable ? { recoverable: true } : {}),
  };
}

/**
 * Only the fields that changed: a PATCH that repeats scopes the caller lacks would be refused. A limit
 * field left as it was is not sent; one the user emptied stands for the signed-in token's value.
 */
function changes(token: ApiToken, form: FormState, initial: FormState, caller: CallerLimits): Schemas['UpdateApiTokenRequest'] {
  const typed = typedLimits(form);
  const inherited = inheritedValues(caller);
  const patch: Schemas['UpdateApiTokenRequest'] = {};
  const name = form.name.trim();
  if (name !== token.name) patch.name = name;
  if (form.enabled !== token.enabled) patch.enabled = form.enabled;
  if (token.recoverable && !form.recoverable) patch.recoverable = false;
  const scopes = orderedScopes(form);
  if (JSON.stringify([...scopes].sort()) !== JSON.stringify([...token.scopes].sort())) patch.scopes = scopes;
  if (form.allowedIps !== initial.allowedIps) {
    const allowedIps = typed.allowedIps ?? inherited.allowedIps;
    if (JSON.stringify(allowedIps) !== JSON.stringify(token.allowedIps)) patch.allowedIps = allowedIps;
  }
  // datetime-local has minute precision: an untouched input keeps the stored instant.
  if (form.expiresAt !== initial.expiresAt) {
    const expiresAt = typed.expiresAt ?? inherited.expiresAt;
    if (expiresAt !== token.expiresAt) patch.expiresAt = expiresAt;
  }
  if (form.rateLimit !== initial.rateLimit || form.rateWindow !== initial.rateWindow) {
    const rateLimit = typed.rateLimit ?? inherited.rateLimit;
    if (JSON.stringify(rateLimit) !== JSON.stringify(token.rateLimit ?? null)) patch.rateLimit = rateLimit;
  }
  return patch;
}

/**
 * The signed-in token's limits, which a token it creates or changes inherits and cannot exceed. Its
 * own metadata carries all of them; without tokens:read, verify tells its expiry (and whatever else
 * it carries). Either answer's `RateLimit-Policy` names the per-token quota it runs under.
 */
function useCallerLimits(): CallerLimits {
  const { api, session, can } = useSession();
  const identity = session.identity;
  const canRead = can('tokens:read');
  const [limits, setLimits] = useState<CallerLimits>(() => callerLimits(identity));
  useEffect(() => {
    let live = true;
    const read = async (): Promise<CallerLimits | null> => {
      const answer = canRead
        ? await api.GET('/api/v1/apitokens/{id}', { params: { path: { id: identity.id } } })
        : await api.GET('/api/v1/apitokens/verify');
      return answer.response.ok && answer.data ? callerLimits(answer.data.data, answer.response.headers.get('RateLimit-Policy')) : null;
    };
    // When they cannot be read the form says that fields inherit, without the values.
    read()
      .then((read) => {
        if (live && read) setLimits(read);
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [api, identity.id, canRead]);
  return limits;
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
  const caller = useCallerLimits();
  const [initial] = useState<FormState>(() => initialState(token, callerScopes));
  const [form, setForm] = useState<FormState>(initial);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<Schemas['CreatedApiToken'] | null>(null);
  const set = <K extends keyof FormState>(key: K, value: FormState[K]) => setForm((current) => ({ ...current, [key]: value }));
  const fieldId = (name: string) => `token-${name}`;
  // The type is chosen only when creating; the edit form has no field for it.
  const shownFields = TOKEN_FIELDS.filter((field) => field !== 'type' || !token);
  const atField = (path: string) => {
    const field = tokenFieldOf(path);
    return field !== undefined && shownFields.includes(field);
  };

  function focusField(name: string) {
    const target = document.getElementById(fieldId(name));
    const focusable = target instanceof HTMLFieldSetElement ? target.querySelector<HTMLElement>('input:not([disabled])') : target;
    focusable?.focus();
  }

  async function submit(event: Event) {
    event.preventDefault();
    const found = validate(form);
    setErrors(found);
    if (Object.keys(found).length > 0) {
      focusField(Object.keys(found)[0]);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      if (token) {
        const patch = changes(token, form, initial, caller);
        if (Object.keys(patch).length === 0) {
          onClose();
          return;
        }
        const answer = await unwrap(api.PATCH('/api/v1/apitokens/{id}', { params: { path: { id: token.id } }, body: patch }));
        onSaved?.(answer.data);
      } else {
        const answer = await unwrap(api.POST('/api/v1/apitokens', { body: creation(form) }));
        setCreated(answer.data);
      }
    } catch (failure) {
      setError(failure);
      // A refused limit (403) or an invalid value (400) is explained next to the field it names.
      if (failure instanceof ApiError) {
        const { byField } = placeFieldErrors(failure.problem.errors.filter((e) => atField(e.path)));
        setErrors(byField);
        const first = TOKEN_FIELDS.find((field: TokenField) => byField[field]);
        if (first) focusField(first);
      }
    } finally {
      setBusy(false);
    }
  }

  if (created) {
    return (
      <Dialog title={`Token ${created.name} created`} onClose={onClose}>
        <SecretOnce secret={created.token} label="New API token" recoverable={created.recoverable} />
        <h3>Its limits</h3>
        <dl class="details" data-testid="created-limits">
          {describeTokenLimits(created).map(([label, value]) => (
            <Fragment key={label}>
              <dt>{label}</dt>
              <dd>{value}</dd>
            </Fragment>
          ))}
        </dl>
        <div class="dialog-actions">
          <button type="button" class="button button-primary" onClick={onClose}>
            Done
          </button>
        </div>
      </Dialog>
    );
  }

  const described = (name: keyof FormState, ...helps: string[]) =>
    [errors[name] ? `${fieldId(name)}-error` : '', ...helps.map((help) => `${fieldId(name)}-${help}`)].join(' ').trim() || undefined;
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
          <fieldset class="field" id={fieldId('type')} aria-describedby={described('type')}>
            <legend>Type</legend>
            <label class="inline">
              <input type="radio" name="token-type" checked={form.type === 'api'} onChange={() => set('type', 'api')} /> API (acts for the account)
            </label>
            <label class="inline">
              <input type="radio" name="token-type" checked={form.type === 'service'} onChange={() => set('type', 'service')} /> Service (a named
              service account)
            </label>
            {fieldError('type')}
          </fieldset>
        )}

        {token && <TokenSecret token={token} />}

        <div class="field">
          <label class="inline">
            <input
              id={fieldId('recoverable')}
              type="checkbox"
              checked={form.recoverable}
              disabled={token !== undefined && !token.recoverable}
              aria-describedby={`${fieldId('recoverable')}-help`}
              onChange={(event) => set('recoverable', (event.currentTarget as HTMLInputElement).checked)}
            />{' '}
            Recoverable
          </label>
          <p id={`${fieldId('recoverable')}-help`} class="muted small">
            {token
              ? 'Unchecking erases the stored secret for good (the token keeps working); a token becomes recoverable only when it is created.'
              : 'Also keep the secret encrypted so that a token with tokens:reveal can reveal it later (each reveal is audited). It can be turned off later, not on.'}
          </p>
        </div>

        <div class="field">
          <label class="inline">
            <input
              id={fieldId('enabled')}
              type="checkbox"
              checked={form.enabled}
              aria-describedby={described('enabled')}
              onChange={(event) => set('enabled', (event.currentTarget as HTMLInputElement).checked)}
            />{' '}
            Enabled
          </label>
          {fieldError('enabled')}
        </div>

        <fieldset class="field" id={fieldId('scopes')} aria-describedby={described('scopes', 'help')}>
          <legend>Scopes</legend>
          <p id={`${fieldId('scopes')}-help`} class="muted small">
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
          {fieldError('scopes')}
        </fieldset>

        <div class="field">
          <label for={fieldId('allowedIps')}>Allowed IPs</label>
          <textarea
            id={fieldId('allowedIps')}
            rows={3}
            value={form.allowedIps}
            placeholder="Empty: inherit your token's allowlist"
            aria-invalid={errors.allowedIps ? true : undefined}
            aria-describedby={described('allowedIps', 'help', 'inherits')}
            onInput={(event) => set('allowedIps', (event.currentTarget as HTMLTextAreaElement).value)}
          />
          <p id={`${fieldId('allowedIps')}-help`} class="muted small">
            One address or CIDR range per line (203.0.113.0/24, 2001:db8::/32).
          </p>
          <p id={`${fieldId('allowedIps')}-inherits`} class="muted small">
            {allowlistHint(caller)}
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
            aria-describedby={described('expiresAt', 'inherits')}
            onInput={(event) => set('expiresAt', (event.currentTarget as HTMLInputElement).value)}
          />
          <p id={`${fieldId('expiresAt')}-inherits`} class="muted small">
            {expiryHint(caller)}
          </p>
          {fieldError('expiresAt')}
        </div>

        <fieldset class="field" aria-describedby={described('rateLimit', 'inherits')}>
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
              placeholder="inherit"
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
              placeholder="inherit"
              value={form.rateWindow}
              aria-invalid={errors.rateLimit ? true : undefined}
              onInput={(event) => set('rateWindow', (event.currentTarget as HTMLInputElement).value)}
            />
          </div>
          <p id={`${fieldId('rateLimit')}-inherits`} class="muted small">
            {rateLimitHint(caller)}
          </p>
          {fieldError('rateLimit')}
        </fieldset>

        <ProblemAlert error={error} shownAtField={atField} />
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
        <SecretOnce secret={rotated.token} label="New API token" recoverable={rotated.recoverable} />
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
