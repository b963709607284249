import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { Schemas } from '@warden/contracts-api';

export type AuditRecord = Schemas['AuditRecord'];
export type AuditRecordWithCanonical = Schemas['AuditRecordWithCanonical'];
/** Everything a record says except its own hash: what the hash covers. */
export type AuditRecordContent = Omit<AuditRecord, 'hash'>;

export interface ChainHead {
  seq: number;
  hash: string;
}

/** The `prevHash` of an account's first record. */
export const GENESIS_HASH = '0'.repeat(64);

/** The fields of the canonical text, in the contract's order (RFC 8785 sorts them anyway). */
export const CONTENT_FIELDS = [
  'id',
  'seq',
  'timestamp',
  'objectType',
  'auditType',
  'objectId',
  'username',
  'actor',
  'remoteIp',
  'detail',
  'prevHash',
] as const satisfies readonly (keyof AuditRecordContent)[];

/** RFC 6962 leaf prefix: a record hash can never be confused with any other hash of the same bytes. */
const LEAF_PREFIX = Buffer.from([0x00]);

/** RFC 8785 canonical JSON of a record's content (every field but `hash`). */
export function canonicalContent(content: AuditRecordContent): string {
  const picked: Record<string, unknown> = {};
  for (const field of CONTENT_FIELDS) picked[field] = content[field];
  const text = canonicalize(picked);
  if (text === undefined) throw new Error('audit record content is not serialisable');
  return text;
}

/** `hex(SHA-256(0x00 || canonical))`. */
export function leafHash(canonical: string): string {
  return createHash('sha256').update(LEAF_PREFIX).update(canonical, 'utf8').digest('hex');
}

/** The next link of a chain: its canonical text and hash, given the content (whose prevHash must be set). */
export function chainRecord(content: AuditRecordContent): AuditRecordWithCanonical {
  const canonical = canonicalContent(content);
  return { ...content, hash: leafHash(canonical), canonical };
}
