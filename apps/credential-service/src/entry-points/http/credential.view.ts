import type { Schemas } from '@warden/contracts-api';
import type { CredentialDocument } from '@warden/credentials-data-access';

/** A credential as the API shows it: non-secret properties, and each secret only as its masked hint. */
export function credentialView(document: CredentialDocument): Schemas['Credential'] {
  return {
    id: document._id,
    name: document.name,
    moniker: document.moniker,
    type: document.type,
    properties: document.properties,
    secrets: { ...document.hints },
    createdAt: document.createdAt.toISOString(),
    updatedAt: document.updatedAt.toISOString(),
  };
}

/** A credential in a list: no properties, no secrets. */
export function credentialSummaryView(
  document: Pick<CredentialDocument, '_id' | 'name' | 'moniker' | 'type' | 'createdAt' | 'updatedAt'>,
): Schemas['CredentialSummary'] {
  return {
    id: document._id,
    name: document.name,
    moniker: document.moniker,
    type: document.type,
    createdAt: document.createdAt.toISOString(),
    updatedAt: document.updatedAt.toISOString(),
  };
}
