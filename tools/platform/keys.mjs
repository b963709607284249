// The keys of one local installation: made at random on its first `npm start`, kept in
// `.data/keys.json` (mode 0600) and reused, so that nothing in the source signs, hashes or encrypts
// anything. Each process gets only the keys it uses (`keysFor`); the operator CLI reads its own
// (`cli>` keys, the token hash and credential keys, the audit public key) from the file. The token
// ring (`TOKEN_ENCRYPTION_KEYS`) seals recoverable tokens' secrets; only the token service holds it.
// `node tools/platform/keys.mjs --env` prints a fresh set as the variables docker-compose.yml reads.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Who mints identities for whom: each pair has a key of its own. */
export const INTERNAL_PAIRS = [
  ['gateway', 'token-service'],
  ['gateway', 'credential-service'],
  ['gateway', 'audit-service'],
  ['cli', 'audit-service'],
  // Producers of change events: each signs what it publishes with its own key for the audit service.
  ['token-service', 'audit-service'],
  ['credential-service', 'audit-service'],
  // The audit service asks each producer for the log's head it keeps in its own database.
  ['audit-service', 'token-service'],
  ['audit-service', 'credential-service'],
  // The token service has the credential service destroy a deleted account's data key.
  ['token-service', 'credential-service'],
];

const KEY_ID = 'local-1';

function generate() {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    internal: Object.fromEntries(INTERNAL_PAIRS.map(([caller, audience]) => [`${caller}>${audience}`, `${caller}>${audience}:${KEY_ID}:${randomBytes(32).toString('base64url')}`])),
    TOKEN_HASH_KEY: randomBytes(32).toString('base64url'),
    CREDENTIAL_ENCRYPTION_KEYS: `${KEY_ID}:${randomBytes(32).toString('base64')}`,
    TOKEN_ENCRYPTION_KEYS: `${KEY_ID}:${randomBytes(32).toString('base64')}`,
    AUDIT_SIGNING_KEY: privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64'),
    AUDIT_PUBLIC_KEY: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
  };
}

/**
 * The installation's keys from `<dataDir>/keys.json`, made there (readable by this user only) when
 * missing; an entry missing from an older file is added, none is ever replaced.
 */
export function loadOrCreateKeys(dataDir) {
  const file = path.join(dataDir, 'keys.json');
  const fresh = generate();
  if (!existsSync(file)) {
    writeFileSync(file, `${JSON.stringify(fresh, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    return fresh;
  }
  const stored = JSON.parse(readFileSync(file, 'utf8'));
  const merged = { ...fresh, ...stored, internal: { ...fresh.internal, ...stored.internal } };
  if (JSON.stringify(merged) !== JSON.stringify(stored)) writeFileSync(file, `${JSON.stringify(merged, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return merged;
}

const pairsWhere = (keys, test) =>
  Object.entries(keys.internal)
    .filter(([pair]) => test(...pair.split('>')))
    .map(([, entry]) => entry)
    .join(',');

/**
 * After `warden audit rotate-key` (docs/audit.md, "Rotating the signing key"): the retired audit
 * public keys and the record seal key kept from the first signing key; nothing before a rotation.
 */
function rotatedAuditKeys(keys) {
  return {
    ...(keys.AUDIT_PREVIOUS_PUBLIC_KEYS ? { AUDIT_PREVIOUS_PUBLIC_KEYS: keys.AUDIT_PREVIOUS_PUBLIC_KEYS } : {}),
    ...(keys.AUDIT_SEAL_KEY ? { AUDIT_SEAL_KEY: keys.AUDIT_SEAL_KEY } : {}),
  };
}

/** The variables one process needs, and no other key: a process that is compromised gives away only its own. */
export function keysFor(name, keys) {
  switch (name) {
    case 'gateway':
      return { INTERNAL_KEYS: pairsWhere(keys, (caller) => caller === 'gateway') };
    // The gateway's key for the service, and the service's own producer key for the audit service.
    case 'token-service':
      return {
        INTERNAL_KEYS: pairsWhere(keys, (caller, audience) => audience === name || caller === name),
        TOKEN_HASH_KEY: keys.TOKEN_HASH_KEY,
        TOKEN_ENCRYPTION_KEYS: keys.TOKEN_ENCRYPTION_KEYS,
      };
    case 'credential-service':
      return { INTERNAL_KEYS: pairsWhere(keys, (caller, audience) => audience === name || caller === name), CREDENTIAL_ENCRYPTION_KEYS: keys.CREDENTIAL_ENCRYPTION_KEYS };
    // Every `*>audit-service` key (the gateway's, the CLI's, and the producers' that authenticate events), and its own for the producers.
    case 'audit-service':
      return { INTERNAL_KEYS: pairsWhere(keys, (caller, audience) => audience === name || caller === name), AUDIT_SIGNING_KEY: keys.AUDIT_SIGNING_KEY, ...rotatedAuditKeys(keys) };
    default:
      throw new Error(`no keys for ${name}`);
  }
}

/** A fresh set as docker-compose.yml's variables (one per pair; compose hands each service its own). */
export function composeEnv(keys = generate()) {
  const material = (pair) => keys.internal[pair].split(':').pop();
  return [
    ...INTERNAL_PAIRS.map(([caller, audience]) => `${`KEY_${caller}_${audience}`.toUpperCase().replace(/-/g, '_')}=${material(`${caller}>${audience}`)}`),
    `TOKEN_HASH_KEY=${keys.TOKEN_HASH_KEY}`,
    `CREDENTIAL_ENCRYPTION_KEYS=${keys.CREDENTIAL_ENCRYPTION_KEYS}`,
    `TOKEN_ENCRYPTION_KEYS=${keys.TOKEN_ENCRYPTION_KEYS}`,
    `AUDIT_SIGNING_KEY=${keys.AUDIT_SIGNING_KEY}`,
    // Empty until a rotation: no retired key, and the record seal key derived from the signing key.
    `AUDIT_PREVIOUS_PUBLIC_KEYS=${keys.AUDIT_PREVIOUS_PUBLIC_KEYS ?? ''}`,
    `AUDIT_SEAL_KEY=${keys.AUDIT_SEAL_KEY ?? ''}`,
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv[2] !== '--env') {
    process.stderr.write('usage: node tools/platform/keys.mjs --env > .env   (fresh keys for docker compose)\n');
    process.exit(2);
  }
  process.stdout.write(`${composeEnv()}\n`);
}
