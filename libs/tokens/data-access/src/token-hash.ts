import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The only form in which a token secret is stored: HMAC-SHA-256 under a server key, hex. A keyed
 * hash means a copy of the database alone does not let anyone test guesses offline.
 */
export function hashTokenSecret(secret: string, key: string): string {
  return createHmac('sha256', key).update(secret, 'utf8').digest('hex');
}

/** Constant-time comparison of two hex hashes. */
export function sameSecretHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && left.length > 0 && timingSafeEqual(left, right);
}
