/**
 * Redis keys shared by the token service (writer) and the gateway (reader).
 *
 * Every key of one account carries the account id as a Redis Cluster hash tag (`{<accountId>}`),
 * so an account's token versions, quota, rate windows and last-use hash share one slot: the
 * gateway's one-round-trip script touches several of them at once, and a cluster runs a script
 * only when all its keys hash to one slot. On a single Redis the tag changes nothing. Platform
 * tokens belong to `PLATFORM_OWNER`, which is just another tag.
 */
export function accountSlotTag(accountId: string): string {
  return `{${accountId}}`;
}

/**
 * A token's current `authVersion`; every change that affects authentication (disable, rotate,
 * revoke, scope or allowlist edits) bumps it before the response is sent, so each gateway
 * replica's cached verification is checked against it on every request.
 */
export function tokenVersionKey(accountId: string, tokenId: string): string {
  return `warden:tokver:${accountSlotTag(accountId)}:${tokenId}`;
}

/**
 * The version key of the previous release, which its gateways still read during a rolling
 * upgrade: the token service writes it beside `tokenVersionKey` on a single Redis (not on a
 * cluster, which that release did not support). Drop it one release later.
 */
export function legacyTokenVersionKey(tokenId: string): string {
  return `warden:tokver:${tokenId}`;
}

/**
 * An account's own quota, as the operator last set it: `<revision>:<limit>:<window seconds>`, or
 * `<revision>:default`. Every gateway reads it in the same script as the token's version, so a
 * change is in force at once; the account document in MongoDB stays the truth (verifications carry it).
 */
export function accountLimitKey(accountId: string): string {
  return `warden:acctlimit:${accountSlotTag(accountId)}`;
}

/** The account quota key of the previous release (see `legacyTokenVersionKey`). */
export function legacyAccountLimitKey(accountId: string): string {
  return `warden:acctlimit:${accountId}`;
}

/** An account's hash tokenId -> last use (epoch ms), written by the gateway, flushed to MongoDB by the token service. */
export function lastUsedKey(accountId: string): string {
  return `warden:token-last-used:${accountSlotTag(accountId)}`;
}

/** SCAN pattern of every account's last-use hash. */
export const LAST_USED_KEY_PATTERN = 'warden:token-last-used:{*}';

/** The one last-use hash of the previous release, which its gateways still write during a rolling upgrade. */
export const LEGACY_LAST_USED_HASH_KEY = 'warden:token-last-used';
