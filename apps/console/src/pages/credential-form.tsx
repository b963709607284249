import { useEffect, useState } from 'preact/hooks';
import { unwrap, type Schemas } from '../api/client';
import { Dialog } from '../components/dialog';
import { ProblemAlert } from '../components/problem-alert';
import { checkMoniker, checkName, propertyText, readCredentialFields, suggestMoniker, type FieldErrors, type FieldValues } from '../lib/credential-form';
import { useSession } from '../session-context';

type TypeDescription = Schemas['CredentialTypeDescription'];
type Credential = Schemas['Credential'];

interface Props {
  types: TypeDescription[];
  /** Absent: a new credential. */
  id?: string;
  onClose: () => void;
  onSaved: (credential: Credential) => void;
}

/** Create or edit a credential; the fields are those `GET /credentials/types` lists for its type. */
export function CredentialFormDialog({ types, id, onClose, onSaved }: Props) {
  const { api } = useSession();
  const [original, setOriginal] = useState<Credential | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [type, setType] = useState<Schemas['CredentialType']>(types[0]?.type ?? 'smpp');
  const [name, setName] = useState('');
  const [moniker, setMoniker] = useState('');
  const [monikerTouched, setMonikerTouched] = useState(false);
  const [values, setValues] = useState<FieldValues>({});
  const [errors, setErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!id) return;
    unwrap(api.GET('/api/v1/credentials/{idOrMoniker}', { params: { path: { idOrMoniker: id } } }))
      .then((answer) => {
        const credential = answer.data;
        setOriginal(credential);
        setType(credential.type);
        setName(credential.name);
        setMoniker(credential.moniker);
        setValues(Object.fromEntries(Object.entries(credential.properties).map(([field, value]) => [field, propertyText(value)])));
      })
      .catch(setLoadError);
  }, [id]);

  const description = types.find((t) => t.type === type);
  const editing = Boolean(id);
  const fieldId = (field: string) => `credential-${field.replace(':', '-')}`;

  async function submit(event: Event) {
    event.preventDefault();
    if (!description) return;
    const found: FieldErrors = {};
    const nameProblem = checkName(name);
    if (nameProblem) found.name = nameProblem;
    if (!editing) {
      const monikerProblem = checkMoniker(moniker);
      if (monikerProblem) found.moniker = monikerProblem;
    }
    const read = readCredentialFields(description, values, editing && original ? { original: original.properties } : {});
    Object.assign(found, read.errors);
    setErrors(found);
    if (Object.keys(found).length > 0) {
      document.getElementById(fieldId(Object.keys(found)[0]))?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      if (editing && original) {
        const patch: Schemas['UpdateCredentialRequest'] = {};
        if (name.trim() !== original.name) patch.name = name.trim();
        if (Object.keys(read.properties).length) patch.properties = read.properties;
        if (Object.keys(read.secrets).length) patch.secrets = read.secrets;
        if (Object.keys(patch).length === 0) {
          onClose();
          return;
        }
        const answer = await unwrap(api.PATCH('/api/v1/credentials/{idOrMoniker}', { params: { path: { idOrMoniker: original.id } }, body: patch }));
        onSaved(answer.data);
      } else {
        // The form is generic; the server checks the properties and secrets against the type's schema.
        const body = { name: name.trim(), moniker, type, properties: read.properties, secrets: read.secrets } as Schemas['CreateCredentialRequest'];
        const answer = await unwrap(api.POST('/api/v1/credentials', { body }));
        onSaved(answer.data);
      }
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  const input = (field: string) => ({
    id: fieldId(field),
    'aria-invalid': errors[field] ? true : undefined,
    'aria-describedby': errors[field] ? `${fieldId(field)}-error` : undefined,
  });
  const fieldError = (field: string) =>
    errors[field] ? (
      <p id={`${fieldId(field)}-error`} class="field-error">
        {errors[field]}
      </p>
    ) : null;
  const setValue = (field: string, value: string) => setValues((current) => ({ ...current, [field]: value }));

  if (editing && !original) {
    return (
      <Dialog title="Edit credential" onClose={onClose}>
        <ProblemAlert error={loadError} />
        {!loadError && <p>Loading…</p>}
      </Dialog>
    );
  }

  return (
    <Dialog title={original ? `Edit ${original.name}` : 'Add a credential'} onClose={onClose} wide>
      <form onSubmit={submit} noValidate>
        <div class="field">
          <label for={fieldId('type')}>Type</label>
          <select
            id={fieldId('type')}
            value={type}
            disabled={editing}
            onChange={(event) => {
              setType((event.currentTarget as HTMLSelectElement).value as Schemas['CredentialType']);
              setErrors({});
            }}
          >
            {types.map((t) => (
              <option key={t.type} value={t.type}>
                {t.label}
              </option>
            ))}
          </select>
          {editing && <p class="muted small">The type of a credential cannot change.</p>}
        </div>
        <div class="field">
          <label for={fieldId('name')}>Name</label>
          <input
            {...input('name')}
            value={name}
            aria-describedby={[errors.name ? `${fieldId('name')}-error` : '', `${fieldId('name')}-help`].filter(Boolean).join(' ')}
            onInput={(event) => {
              const next = (event.currentTarget as HTMLInputElement).value;
              setName(next);
              if (!editing && !monikerTouched) setMoniker(suggestMoniker(next));
            }}
          />
          <p id={`${fieldId('name')}-help`} class="muted small">
            2 to 100 characters.
          </p>
          {fieldError('name')}
        </div>
        <div class="field">
          <label for={fieldId('moniker')}>Moniker</label>
          <input
            {...input('moniker')}
            class="mono"
            value={moniker}
            disabled={editing}
            spellcheck={false}
            aria-describedby={[errors.moniker ? `${fieldId('moniker')}-error` : '', `${fieldId('moniker')}-help`].filter(Boolean).join(' ')}
            onInput={(event) => {
              setMoniker((event.currentTarget as HTMLInputElement).value);
              setMonikerTouched(true);
            }}
          />
          <p id={`${fieldId('moniker')}-help`} class="muted small">
            {editing ? 'The moniker cannot change.' : 'How services address it: lowercase letters, digits and hyphens, unique in this account.'}
          </p>
          {fieldError('moniker')}
        </div>

        {description && description.properties.length > 0 && (
          <fieldset class="field-group">
            <legend>{description.label} settings</legend>
            {description.properties.map((field) => (
              <div class="field" key={`${type}-${field.name}`}>
                <label for={fieldId(field.name)}>
                  {field.label}
                  {!field.required && <span class="muted small"> (optional)</span>}
                </label>
                {field.type === 'string[]' ? (
                  <textarea
                    {...input(field.name)}
                    rows={3}
                    value={values[field.name] ?? ''}
                    onInput={(event) => setValue(field.name, (event.currentTarget as HTMLTextAreaElement).value)}
                  />
                ) : field.type === 'integer' ? (
                  <input
                    {...input(field.name)}
                    type="number"
                    step={1}
                    inputMode="numeric"
                    class="narrow"
                    value={values[field.name] ?? ''}
                    onInput={(event) => setValue(field.name, (event.currentTarget as HTMLInputElement).value)}
                  />
                ) : (
                  <input
                    {...input(field.name)}
                    type="text"
                    value={values[field.name] ?? ''}
                    onInput={(event) => setValue(field.name, (event.currentTarget as HTMLInputElement).value)}
                  />
                )}
                {field.type === 'string[]' && <p class="muted small">One per line.</p>}
                {fieldError(field.name)}
              </div>
            ))}
          </fieldset>
        )}

        {description && description.secrets.length > 0 && (
          <fieldset class="field-group">
            <legend>Secrets</legend>
            {editing && <p class="muted small">Leave a secret empty to keep the stored one.</p>}
            {description.secrets.map((field) => {
              const key = `secret:${field.name}`;
              return (
                <div class="field" key={`${type}-${key}`}>
                  <label for={fieldId(key)}>{field.label}</label>
                  <input
                    {...input(key)}
                    type="password"
                    autocomplete="new-password"
                    value={values[key] ?? ''}
                    onInput={(event) => setValue(key, (event.currentTarget as HTMLInputElement).value)}
                  />
                  {fieldError(key)}
                </div>
              );
            })}
          </fieldset>
        )}

        <ProblemAlert error={error} />
        <div class="dialog-actions">
          <button type="button" class="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="button button-primary" disabled={busy}>
            {busy ? 'Saving…' : editing ? 'Save changes' : 'Add credential'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
