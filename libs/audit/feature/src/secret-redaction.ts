export const REDACTED = '[redacted]';

/** Words that make a field name secret wherever they appear in it (`clientSecret`, `db_password`, `apiKey`…). */
const SECRET_WORDS = new Set([
  'secret',
  'secrets',
  'password',
  'passwords',
  'passwd',
  'pwd',
  'passphrase',
  'token',
  'tokens',
  'key',
  'keys',
  'apikey',
  'privatekey',
  'hash',
  'hashes',
  'ciphertext',
  'cipher',
  'encrypted',
  'credential',
  'credentials',
  'authorization',
  'cookie',
  'signature',
  'salt',
  'otp',
  'pin',
]);

/**
 * A last word that makes the field a reference or a description of a secret rather than the
 * secret itself: `tokenId`, `keyId`, `tokenType`, `headerName`, `secretFields`, `keyVersion`.
 */
const HARMLESS_LAST_WORDS = new Set(['id', 'ids', 'type', 'types', 'name', 'names', 'fields', 'field', 'version', 'hint', 'count', 'at', 'prefix', 'url', 'length']);

function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

const cache = new Map<string, boolean>();

/** Whether a field of this name may hold a secret, a hash of one or a ciphertext. */
export function isSecretName(name: string): boolean {
  const known = cache.get(name);
  if (known !== undefined) return known;
  const parts = words(name);
  const joined = parts.join('');
  const secret =
    parts.length > 0 &&
    !HARMLESS_LAST_WORDS.has(parts[parts.length - 1]) &&
    (parts.some((word) => SECRET_WORDS.has(word)) || SECRET_WORDS.has(joined));
  if (cache.size < 10_000) cache.set(name, secret);
  return secret;
}

/**
 * A copy of `value` with every secret-named field, at any depth, replaced by `[redacted]`.
 * Producers must never send secrets; this is the audit trail's own guarantee that it stores none.
 */
export function redactSecrets<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item) => redactSecrets(item)) as T;
  if (value === null || typeof value !== 'object') return value;
  const copy: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    copy[key] = isSecretName(key) ? REDACTED : redactSecrets(child);
  }
  return copy as T;
}
