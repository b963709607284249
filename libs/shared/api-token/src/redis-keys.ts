/**
 * Redis keys shared by the token service (writer) and the gateway (reader). The version key holds a
 * token's current `authVersion`; every change that affects authentication (disable, rotate, revoke,
 * scope or allowlist edits) bumps it before the response is sent, so each gateway replica's cached
 * verification is checked against it on every request.
 */
export function tokenVersionKey(tokenId: string): string {
  return `warden:tokver:${tokenId}`;
}

/** Hash tokenId -> last use (epoch ms), written by the gateway, flushed to MongoDB by the token service. */
export const LAST_USED_HASH_KEY = 'warden:token-last-used';

/**
 * An account's own quota, as the operator last set it: `<revision>:<limit>:<window seconds>`, or
 * `<revision>:default`. Every gateway reads it in the same script as the token's version, so a
 * change is in force at once; the account document in MongoDB stays the truth (verifications carry it).
 */
export function accountLimitKey(accountId: string): string {
  return `warden:acctlimit:${accountId}`;
}
