import { randomUUID } from 'node:crypto';
import { ALL_SCOPES, signIdentity, type Identity } from '@warden/http';
import { testServiceEnv } from './infra';

export const TEST_SIGNING_KEY = 'test-signing-key-0123456789abcdef0123';

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

/** What the gateway would add to a request, for tests that call a service directly. */
export function signedHeaders(identity: Identity, method: string, url: string, key = TEST_SIGNING_KEY): Record<string, string> {
  return signIdentity(identity, key, { method, url });
}

/** `testServiceEnv` signed with the test key: what most suites give a service's `loadConfig`. */
export function testEnv(overrides: Record<string, string> = {}): Record<string, string> {
  return testServiceEnv(TEST_SIGNING_KEY, overrides);
}
