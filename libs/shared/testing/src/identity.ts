import { randomUUID } from 'node:crypto';
import { parseInternalKeys } from '@warden/config';
import { ALL_SCOPES, bodyDigest, IdentitySigner, type Identity } from '@warden/http';
import { TEST_KEYS } from './keys';

export function testIdentity(overrides: Partial<Identity> = {}): Identity {
  return {
    kind: 'token',
    accountId: randomUUID(),
    tokenId: randomUUID(),
    tokenType: 'api',
    name: 'test-token',
    scopes: [...ALL_SCOPES],
    clientIp: '127.0.0.1',
    requestId: randomUUID(),
    // The limits the gateway states for a token with no allowlist, no expiry and the default quota.
    tokenAllowedIps: [],
    tokenExpiresAt: null,
    tokenRateLimit: { limit: 60, windowSeconds: 60 },
    defaultRateLimit: { limit: 60, windowSeconds: 60 },
    ...overrides,
  };
}

/**
 * What operator tooling signs as: an internal caller, not a token, so bound by no token's limits;
 * what it creates is unrestricted unless the body says otherwise.
 */
export function operatorIdentity(accountId: string): Identity {
  return testIdentity({ kind: 'service', accountId, name: 'operator', tokenId: undefined, tokenType: undefined, scopes: [...ALL_SCOPES] });
}

const signers = new Map<string, IdentitySigner>();

/** A signer for one of the test callers (`TEST_CALLER_PAIRS`), holding the test process's keys. */
export function testSigner(caller = 'gateway'): IdentitySigner {
  let signer = signers.get(caller);
  if (!signer) {
    signer = new IdentitySigner(caller, parseInternalKeys(TEST_KEYS.INTERNAL_KEYS));
    signers.set(caller, signer);
  }
  return signer;
}

/**
 * What the gateway (or `caller`) adds to a request for `audience`, for tests that call a service
 * directly: an identity minted for this method, URL and body (the JSON text the test sends).
 */
export function signedHeaders(
  audience: string,
  identity: Identity,
  method: string,
  url: string,
  { body, caller = 'gateway' }: { body?: unknown; caller?: string } = {},
): Record<string, string> {
  const digest = body === undefined ? undefined : bodyDigest(typeof body === 'string' ? body : JSON.stringify(body));
  return testSigner(caller).sign(audience, identity, { method, url, digest });
}
