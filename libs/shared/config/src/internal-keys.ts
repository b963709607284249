import { z } from 'zod';

/**
 * One key of one caller for one receiving service (`INTERNAL_KEYS` entries
 * `caller>audience:keyId:base64url`): the caller signs with it, only that audience accepts it, so no
 * service holds a key that mints what another service accepts.
 */
export interface InternalKey {
  caller: string;
  audience: string;
  keyId: string;
  key: Buffer;
}

const NAME = '[a-z][a-z0-9-]{0,62}';
const ENTRY = new RegExp(`^(${NAME})>(${NAME}):([A-Za-z0-9._-]{1,64}):([A-Za-z0-9_-]+)$`);

/**
 * Parses `INTERNAL_KEYS`: comma-separated `caller>audience:keyId:base64url(32+ random bytes)`,
 * oldest first per pair. The last key of a pair signs; every listed key of a pair verifies, so a key
 * rotates by listing the new one after the old. Errors name the entry, never its key material.
 */
export function parseInternalKeys(value: string): InternalKey[] {
  const keys: InternalKey[] = [];
  value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .forEach((entry, index) => {
      const match = ENTRY.exec(entry);
      if (!match) throw new Error(`entry ${index + 1} must look like caller>audience:keyId:base64url-key`);
      const [, caller, audience, keyId, material] = match;
      const key = Buffer.from(material, 'base64url');
      if (key.length < 32) throw new Error(`the key ${caller}>${audience}:${keyId} must be at least 32 random bytes, base64url-encoded`);
      if (keys.some((known) => known.caller === caller && known.audience === audience && known.keyId === keyId)) {
        throw new Error(`the key ${caller}>${audience}:${keyId} is listed twice`);
      }
      keys.push({ caller, audience, keyId, key });
    });
  return keys;
}

/** A new random key, in the form `INTERNAL_KEYS` takes. */
export function generateInternalKey(caller: string, audience: string, keyId: string, random: (size: number) => Buffer): string {
  return `${caller}>${audience}:${keyId}:${random(32).toString('base64url')}`;
}

/** The processes that mint or receive internal identities. */
export type InternalParty = 'gateway' | 'token-service' | 'credential-service' | 'audit-service' | 'cli' | (string & {});

/**
 * `INTERNAL_KEYS` as a config variable: parsed, and holding every pair `needs` names (what this
 * process signs for, and from whom it accepts), so that a process missing a key refuses to start
 * and names the pair rather than refusing every request.
 */
export function internalKeysVariable(needs: { caller: InternalParty; audience: InternalParty }[]) {
  return z.string().transform((value, context) => {
    let keys: InternalKey[];
    try {
      keys = parseInternalKeys(value);
    } catch (error) {
      context.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
    const missing = needs.filter(({ caller, audience }) => !keys.some((key) => key.caller === caller && key.audience === audience));
    if (missing.length > 0) {
      context.addIssue({ code: 'custom', message: `needs a key for ${missing.map(({ caller, audience }) => `${caller}>${audience}`).join(', ')}` });
      return z.NEVER;
    }
    return keys;
  });
}
