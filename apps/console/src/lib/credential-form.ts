// The credential form is built from `GET /credentials/types`: these turn what was typed into the
// `properties` and `secrets` of a create or update request, with the checks made before submit.
import type { components } from '@warden/contracts-api/openapi';

type TypeDescription = components['schemas']['CredentialTypeDescription'];
export type FieldValues = Record<string, string>;
export type FieldErrors = Record<string, string>;

const MONIKER = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Name: 2 to 100 characters, checked before submit (the API checks it again). */
export function checkName(name: string): string | undefined {
  const length = name.trim().length;
  if (length < 2) return 'The name needs at least 2 characters.';
  if (length > 100) return `The name can have at most 100 characters (it has ${length}).`;
  return undefined;
}

export function checkMoniker(moniker: string): string | undefined {
  if (!moniker) return 'Give the credential a moniker.';
  if (moniker === 'types') return '“types” is reserved; choose another moniker.';
  if (!MONIKER.test(moniker)) return 'Lowercase letters, digits and inner hyphens only, at most 63 characters.';
  return undefined;
}

/** A moniker suggested from the name: `Primary SMS route` → `primary-sms-route`. */
export function suggestMoniker(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
}

/** A stored property value as the text its input shows. */
export function propertyText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.join('\n');
  return String(value);
}

interface ReadOptions {
  /** Editing: the stored properties; only changed fields are returned, blank secrets keep theirs. */
  original?: Record<string, unknown>;
}

export interface ReadResult {
  properties: Record<string, unknown>;
  secrets: Record<string, string>;
  errors: FieldErrors;
}

/** The request's `properties` and `secrets` from the form, or the errors to show beside fields. */
export function readCredentialFields(type: TypeDescription, values: FieldValues, { original }: ReadOptions = {}): ReadResult {
  const editing = original !== undefined;
  const properties: Record<string, unknown> = {};
  const secrets: Record<string, string> = {};
  const errors: FieldErrors = {};

  for (const field of type.properties) {
    const text = (values[field.name] ?? '').trim();
    if (editing && text === propertyText(original[field.name]).trim()) continue;
    if (!text) {
      if (field.required) errors[field.name] = `${field.label} is required.`;
      continue;
    }
    if (field.type === 'integer') {
      if (!/^-?\d+$/.test(text)) errors[field.name] = `${field.label} must be a whole number.`;
      else properties[field.name] = Number(text);
    } else if (field.type === 'string[]') {
      properties[field.name] = text
        .split(/[\n,]/)
        .map((item) => item.trim())
        .filter(Boolean);
    } else {
      properties[field.name] = text;
    }
  }

  for (const field of type.secrets) {
    const text = values[`secret:${field.name}`] ?? '';
    if (!text) {
      if (field.required && !editing) errors[`secret:${field.name}`] = `${field.label} is required.`;
      continue;
    }
    secrets[field.name] = text;
  }
  return { properties, secrets, errors };
}
