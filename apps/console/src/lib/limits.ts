// A token can hand out only what it has: every token it creates or changes stays within its scopes,
// allowlist, expiry and rate limit, and a field left out inherits the caller's value. This module
// says in words what the signed-in token allows, what an empty field stands for, and which form
// field a refused path belongs to. Pure: no DOM, no fetch, so it is unit-tested on its own.
import type { FieldProblem } from '../api/problem';

export interface RateLimit {
  limit: number;
  windowSeconds: number;
}

/** The signed-in token's limits; a property left undefined is one the console could not read. */
export interface CallerLimits {
  /** `[]`: any address. */
  allowedIps?: readonly string[];
  /** `null`: never expires. */
  expiresAt?: string | null;
  /** Its own rate limit; `null`: it runs under the platform default. */
  rateLimit?: RateLimit | null;
  /** The per-token quota the gateway applies to it: its own limit, else the platform default. */
  effectiveRateLimit?: RateLimit;
}

/** What the API answers about a token (verify, or the token's metadata): any of the limits it carries. */
export interface LimitSource {
  allowedIps?: readonly string[];
  expiresAt?: string | null;
  rateLimit?: RateLimit | null;
}

/** The `"per-token"` quota in a `RateLimit-Policy` header (a list once several policies apply). */
export function parseTokenRatePolicy(header: string | null | undefined): RateLimit | undefined {
  if (!header) return undefined;
  for (const item of header.split(',')) {
    const [name, ...parameters] = item.split(';').map((part) => part.trim());
    if (name !== '"per-token"' && name !== 'per-token') continue;
    const values = new Map(parameters.map((parameter) => parameter.split('=', 2) as [string, string | undefined]));
    const limit = Number(values.get('q'));
    const windowSeconds = Number(values.get('w'));
    if (Number.isInteger(limit) && limit > 0 && Number.isInteger(windowSeconds) && windowSeconds > 0) return { limit, windowSeconds };
  }
  return undefined;
}

/** The caller's limits from what the API told about its token and the rate-limit policy it answered with. */
export function callerLimits(source: LimitSource, ratePolicyHeader?: string | null): CallerLimits {
  const limits: CallerLimits = {};
  if (Array.isArray(source.allowedIps)) limits.allowedIps = [...source.allowedIps];
  if (source.expiresAt !== undefined) limits.expiresAt = source.expiresAt;
  if (source.rateLimit !== undefined) limits.rateLimit = source.rateLimit;
  const effective = source.rateLimit ?? parseTokenRatePolicy(ratePolicyHeader);
  if (effective) limits.effectiveRateLimit = { limit: effective.limit, windowSeconds: effective.windowSeconds };
  return limits;
}

/** `2026-12-31 12:00 UTC`; seconds only when the instant has some. */
export function formatInstant(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const text = date.toISOString();
  return `${text.slice(0, text.slice(17, 19) === '00' ? 16 : 19).replace('T', ' ')} UTC`;
}

/** `60 per 60 s` */
export function formatRate(rate: RateLimit): string {
  return `${rate.limit} per ${rate.windowSeconds} s`;
}

function listAddresses(addresses: readonly string[], shown = 5): string {
  if (addresses.length <= shown) return addresses.join(', ');
  return `${addresses.slice(0, shown).join(', ')} and ${addresses.length - shown} more`;
}

/** Under the allowlist field. */
export function allowlistHint(limits: CallerLimits): string {
  if (!limits.allowedIps) return "Empty inherits your token's allowlist; entries must lie inside it.";
  if (limits.allowedIps.length === 0) return 'Inherits: any address (your token has no allowlist).';
  return `Inherits: ${listAddresses(limits.allowedIps)} (your token's allowlist). Entries must lie inside it.`;
}

/** Under the expiry field. */
export function expiryHint(limits: CallerLimits): string {
  if (limits.expiresAt === undefined) return "Empty inherits your token's expiry; a token expires no later than yours.";
  if (limits.expiresAt === null) return 'Inherits: never (your token does not expire).';
  return `No later than ${formatInstant(limits.expiresAt)} (when your token expires). Empty inherits that expiry.`;
}

/** Under the rate limit fields. */
export function rateLimitHint(limits: CallerLimits): string {
  const rate = limits.effectiveRateLimit;
  if (!rate) {
    return limits.rateLimit === null
      ? 'Empty inherits the platform default that your token runs under; a token cannot allow more.'
      : "Empty inherits your token's rate limit; a token cannot allow more.";
  }
  const whose = limits.rateLimit === null ? 'the platform default your token runs under' : "your token's rate limit";
  return `At most ${formatRate(rate)} (${whose}): no more requests and no higher rate. Empty inherits it.`;
}

/** What an emptied field stands for when a token is changed: the caller's own value, where the console knows it. */
export function inheritedValues(limits: CallerLimits): { allowedIps: string[]; expiresAt: string | null; rateLimit: RateLimit | null } {
  return {
    // Unknown: "anywhere", "never" and the default, which the API refuses if the caller is narrower.
    allowedIps: [...(limits.allowedIps ?? [])],
    expiresAt: limits.expiresAt ?? null,
    rateLimit: limits.rateLimit !== undefined ? limits.rateLimit : (limits.effectiveRateLimit ?? null),
  };
}

/** A token's effective limits, as the API answered them, for a person to read. */
export function describeTokenLimits(token: LimitSource): Array<[label: string, value: string]> {
  return [
    ['Allowed IPs', token.allowedIps && token.allowedIps.length > 0 ? token.allowedIps.join(', ') : 'any address'],
    ['Expires', token.expiresAt ? formatInstant(token.expiresAt) : 'never'],
    ['Rate limit', token.rateLimit ? formatRate(token.rateLimit) : 'the platform default'],
  ];
}

export const TOKEN_FIELDS = ['name', 'type', 'enabled', 'scopes', 'allowedIps', 'expiresAt', 'rateLimit'] as const;
export type TokenField = (typeof TOKEN_FIELDS)[number];

const PART_LABELS: Record<string, string> = { limit: 'Requests', windowSeconds: 'Window' };

function sentence(message: string, capital = true): string {
  const trimmed = message.trim();
  const text = capital ? trimmed.charAt(0).toUpperCase() + trimmed.slice(1) : trimmed;
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

/** `body.allowedIps[2]` → the allowlist field; undefined for a path no token field stands for. */
export function tokenFieldOf(path: string): TokenField | undefined {
  const match = /^body\.([A-Za-z]+)(?=$|[.[])/.exec(path);
  const field = match?.[1];
  return TOKEN_FIELDS.find((name) => name === field);
}

/** The message as it reads next to its field: which entry or part it is about, then what is wrong. */
function messageAtField(problem: FieldProblem): string {
  const rest = problem.path.replace(/^body\.[A-Za-z]+/, '');
  const entry = /^(?:\[(\d+)\]|\.(\d+))/.exec(rest);
  if (entry) return `Entry ${Number(entry[1] ?? entry[2]) + 1}: ${sentence(problem.message, false)}`;
  const part = /^\.([A-Za-z]+)/.exec(rest)?.[1];
  if (part) return `${PART_LABELS[part] ?? part}: ${sentence(problem.message, false)}`;
  return sentence(problem.message);
}

/** The API's field errors placed next to the token form's fields; those it cannot place stay for the alert. */
export function placeFieldErrors(errors: readonly FieldProblem[]): { byField: Partial<Record<TokenField, string>>; unplaced: FieldProblem[] } {
  const byField: Partial<Record<TokenField, string>> = {};
  const unplaced: FieldProblem[] = [];
  for (const error of errors) {
    const field = tokenFieldOf(error.path);
    if (!field) {
      unplaced.push(error);
      continue;
    }
    const message = messageAtField(error);
    byField[field] = byField[field] ? `${byField[field]} ${message}` : message;
  }
  return { byField, unplaced };
}
