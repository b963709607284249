import type { CredentialDocument } from '@warden/credentials-data-access';

const MASK = '••••';
/** Below this length the last two characters would give away too much of the secret. */
const MIN_LENGTH_FOR_HINT = 8;

/** `••••d2`: the last two characters of a secret of eight or more characters, else only the mask. */
export function maskSecret(value: string): string {
  const characters = Array.from(value);
  return characters.length >= MIN_LENGTH_FOR_HINT ? `${MASK}${characters.slice(-2).join('')}` : MASK;
}

/**
 * What an audit record may show of a credential: everything but its secrets, which appear only as
 * the list of their field names (`secretFields`). Never a value, a hint or a ciphertext. Field names
 * are list items rather than keys so that the audit trail's own secret redaction (which blanks any
 * key that sounds secret, such as `password`) keeps them readable.
 */
export function auditSnapshot(document: Pick<CredentialDocument, 'name' | 'moniker' | 'type' | 'properties' | 'secrets'>): Record<string, unknown> {
  return {
    name: document.name,
    moniker: document.moniker,
    type: document.type,
    properties: document.properties,
    secretFields: Object.keys(document.secrets ?? {}),
  };
}
