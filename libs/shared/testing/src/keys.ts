import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { generateInternalKey } from '@warden/config';

/** The internal callers tests sign as, each with a key for the services it calls. */
export const TEST_CALLER_PAIRS: [caller: string, audience: string][] = [
  ['gateway', 'token-service'],
  ['gateway', 'credential-service'],
  ['gateway', 'audit-service'],
  ['cli', 'audit-service'],
  // Producers of change events: each signs the events it publishes with its key for the audit service.
  ['token-service', 'audit-service'],
  ['credential-service', 'audit-service'],
  // The audit service asks each producer for the log's head it keeps (`AUDIT_ANCHOR_SOURCES`).
  ['audit-service', 'token-service'],
  ['audit-service', 'credential-service'],
  // The token service has the credential service destroy a deleted account's data key.
  ['token-service', 'credential-service'],
  // An internal service that reports its own object types (`Endpoint`, `RoutingPolicy`) through `AuditReporter`.
  ['router', 'audit-service'],
  // An internal service that `SECRET_READERS` names in the tests of the credential service's internal route.
  ['secrets-reader', 'credential-service'],
];

/**
 * Every secret a Warden process needs, generated afresh for each test process: nothing in the
 * source signs, hashes or encrypts anything. Tests hand them to the services through `testEnv`.
 */
export const TEST_KEYS = Object.freeze({
  INTERNAL_KEYS: TEST_CALLER_PAIRS.map(([caller, audience]) => generateInternalKey(caller, audience, 'test-1', randomBytes)).join(','),
  TOKEN_HASH_KEY: randomBytes(32).toString('base64url'),
  CREDENTIAL_ENCRYPTION_KEYS: `test-1:${randomBytes(32).toString('base64')}`,
  TOKEN_ENCRYPTION_KEYS: `test-1:${randomBytes(32).toString('base64')}`,
  AUDIT_SIGNING_KEY: generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64'),
});
