import { randomUUID } from 'node:crypto';
import type { InternalKey } from '@warden/config';
import { IdentitySigner } from '@warden/http';

/**
 * The credential service's crypto-shredding, as the token service calls it when an account is
 * deleted (`DELETE /internal/v1/accounts/{id}/data-key`, with this service's own key for it).
 * Rejects unless the credential service answers that the key is gone (destroyed now or before).
 */
export function credentialShredder({ credentialServiceUrl, keys, timeoutMs = 5_000 }: { credentialServiceUrl: string; keys: InternalKey[]; timeoutMs?: number }) {
  const signer = new IdentitySigner('token-service', keys);
  return {
    async shred(accountId: string): Promise<void> {
      const path = `/internal/v1/accounts/${encodeURIComponent(accountId)}/data-key`;
      const identity = signer.sign('credential-service', { kind: 'service', accountId, name: 'token-service', scopes: [], clientIp: null, requestId: randomUUID() }, { method: 'DELETE', url: path });
      const response = await fetch(new URL(path, credentialServiceUrl), { method: 'DELETE', headers: identity, signal: AbortSignal.timeout(timeoutMs) });
      await response.body?.cancel();
      if (!response.ok) throw new Error(`the credential service answered ${response.status} to DELETE ${path}`);
    },
  };
}
