import { parseTokenSecret } from '@warden/api-token';

export type BearerFailure = 'missing' | 'scheme' | 'malformed' | 'checksum';
export type BearerResult = { ok: true; secret: string } | { ok: false; reason: BearerFailure };

const DETAILS: Record<BearerFailure, string> = {
  missing: 'A valid API token is required: send it as "Authorization: Bearer <token>".',
  scheme: 'The Authorization header must use the Bearer scheme.',
  malformed: 'The API token is malformed.',
  checksum: 'The API token is malformed.',
};

export function bearerFailureDetail(reason: BearerFailure): string {
  return DETAILS[reason];
}

/** The secret from `Authorization: Bearer <token>`, checked for shape and checksum without any I/O. */
export function parseBearer(header: string | undefined): BearerResult {
  if (header === undefined || header.trim() === '') return { ok: false, reason: 'missing' };
  const space = header.indexOf(' ');
  if (space < 0 || header.slice(0, space).toLowerCase() !== 'bearer') return { ok: false, reason: 'scheme' };
  const secret = header.slice(space + 1).trim();
  const parsed = parseTokenSecret(secret);
  return parsed.ok ? { ok: true, secret } : { ok: false, reason: parsed.reason };
}
