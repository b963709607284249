import { randomBytes } from 'node:crypto';

/**
 * `wdn_` + 30 base62 characters of randomness (~178 bits) + 6 base62 characters of CRC-32.
 * The prefix lets secret scanners recognise a leaked Warden token; the checksum lets the gateway
 * turn away a typo or a random guess without any I/O (the GitHub token format does the same).
 */
export const TOKEN_PREFIX = 'wdn_';
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const RANDOM_LENGTH = 30;
const CHECKSUM_LENGTH = 6;
const SHAPE = new RegExp(`^${TOKEN_PREFIX}[0-9A-Za-z]{${RANDOM_LENGTH + CHECKSUM_LENGTH}}$`);

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(text: string): number {
  let crc = 0xffffffff;
  for (const byte of Buffer.from(text, 'utf8')) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function base62(value: number, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) {
    out = ALPHABET[value % 62] + out;
    value = Math.floor(value / 62);
  }
  return out;
}

function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      // 248 = 4 * 62: rejecting the rest keeps every character equally likely.
      if (byte < 248 && out.length < length) out += ALPHABET[byte % 62];
    }
  }
  return out;
}

export function generateTokenSecret(): string {
  const random = randomBase62(RANDOM_LENGTH);
  return `${TOKEN_PREFIX}${random}${base62(crc32(random), CHECKSUM_LENGTH)}`;
}

export type ParsedTokenSecret = { ok: true } | { ok: false; reason: 'malformed' | 'checksum' };

/** Shape and checksum only: says nothing about whether the token exists. */
export function parseTokenSecret(secret: string): ParsedTokenSecret {
  if (!SHAPE.test(secret)) return { ok: false, reason: 'malformed' };
  const body = secret.slice(TOKEN_PREFIX.length);
  const random = body.slice(0, RANDOM_LENGTH);
  const checksum = body.slice(RANDOM_LENGTH);
  return base62(crc32(random), CHECKSUM_LENGTH) === checksum ? { ok: true } : { ok: false, reason: 'checksum' };
}

/** What a token's owner sees later to recognise it: the prefix and the last four characters. */
export function tokenHint(secret: string): string {
  return `${TOKEN_PREFIX}…${secret.slice(-4)}`;
}
