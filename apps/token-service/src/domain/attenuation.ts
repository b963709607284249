import ipaddr from 'ipaddr.js';
import { AppError, type Caller, type FieldError, type RateLimitValue, type Scope } from '@warden/http';

/**
 * What a token may do, on every axis a token can be narrowed on. `allowedIps: []` is "anywhere",
 * `expiresAt: null` is "never": each the broadest value of its axis. `rateLimit` is the quota the
 * gateway applies (the token's own, else the default).
 */
export interface TokenLimits {
  scopes: readonly Scope[];
  allowedIps: readonly string[];
  expiresAt: Date | null;
  rateLimit: RateLimitValue;
}

export type LimitField = 'scopes' | 'allowedIps' | 'expiresAt' | 'rateLimit';

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** IPv4-mapped IPv6 ranges (`::ffff:10.0.0.0/104`) are the IPv4 ranges they stand for, as at the gateway. */
function normalise([address, bits]: Range): Range {
  if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96) {
    return [(address as ipaddr.IPv6).toIPv4Address(), bits - 96];
  }
  return [address, bits];
}

/** An allowlist entry as the range it admits (a plain address is a /32 or /128); undefined when it does not parse. */
function parseRange(entry: string): Range | undefined {
  try {
    if (entry.includes('/')) return normalise(ipaddr.parseCIDR(entry.trim()));
    const address = ipaddr.parse(entry.trim());
    return normalise([address, address.kind() === 'ipv4' ? 32 : 128]);
  } catch {
    return undefined;
  }
}

/** Every address `inner` admits is admitted by `outer`. */
function rangeWithin([address, bits]: Range, [outerAddress, outerBits]: Range): boolean {
  return address.kind() === outerAddress.kind() && bits >= outerBits && address.match(outerAddress, outerBits);
}

/** The scopes of `scopes` that `holder` lacks. */
export function scopesBeyond(scopes: readonly Scope[], holder: readonly Scope[]): Scope[] {
  return scopes.filter((scope) => !holder.includes(scope));
}

/**
 * Where `allowedIps` admits an address that `holder` does not: `anywhere` when it is empty (any
 * address) while the holder has a list, else the entries that reach outside every holder entry.
 * A holder entry that does not parse admits nothing, as at the gateway.
 */
export function allowedIpsBeyond(allowedIps: readonly string[], holder: readonly string[]): { anywhere: boolean; entries: string[] } {
  if (holder.length === 0) return { anywhere: false, entries: [] };
  if (allowedIps.length === 0) return { anywhere: true, entries: [] };
  const ranges = holder.map(parseRange).filter((range): range is Range => range !== undefined);
  const entries = allowedIps.filter((entry) => {
    const range = parseRange(entry);
    return !range || !ranges.some((outer) => rangeWithin(range, outer));
  });
  return { anywhere: false, entries };
}

/** `expiresAt` ends no later than `holder` (null: never, the latest of all). */
export function expiryWithin(expiresAt: Date | null, holder: Date | null): boolean {
  if (holder === null) return true;
  return expiresAt !== null && expiresAt.getTime() <= holder.getTime();
}

/** No larger `limit` and no higher rate (`limit / windowSeconds`) than `holder`. */
export function rateLimitWithin(rateLimit: RateLimitValue, holder: RateLimitValue): boolean {
  return rateLimit.limit <= holder.limit && rateLimit.limit * holder.windowSeconds <= holder.limit * rateLimit.windowSeconds;
}

function describeRate({ limit, windowSeconds }: RateLimitValue): string {
  return `${limit} per ${windowSeconds} s`;
}

/**
 * The axes on which `limits` (only the axes given) reach beyond `holder`, one error per axis, its
 * path `${prefix}.<field>`, its message what exceeds. Empty when `limits` lies within `holder`.
 */
export function beyondLimits(limits: Partial<TokenLimits>, holder: TokenLimits, prefix: string): FieldError[] {
  const errors: FieldError[] = [];
  if (limits.scopes !== undefined) {
    const extra = scopesBeyond(limits.scopes, holder.scopes);
    if (extra.length > 0) errors.push({ path: `${prefix}.scopes`, message: `scope escalation: the calling API token lacks ${extra.join(', ')}` });
  }
  if (limits.allowedIps !== undefined) {
    const { anywhere, entries } = allowedIpsBeyond(limits.allowedIps, holder.allowedIps);
    if (anywhere) {
      errors.push({ path: `${prefix}.allowedIps`, message: `an empty list admits any address; the calling API token is limited to ${holder.allowedIps.join(', ')}` });
    } else if (entries.length > 0) {
      errors.push({ path: `${prefix}.allowedIps`, message: `${entries.join(', ')} lies outside the calling API token's allowlist (${holder.allowedIps.join(', ')})` });
    }
  }
  if (limits.expiresAt !== undefined && !expiryWithin(limits.expiresAt, holder.expiresAt)) {
    const expires = holder.expiresAt?.toISOString();
    const when = limits.expiresAt === null ? 'never expires' : `expires at ${limits.expiresAt.toISOString()}`;
    errors.push({ path: `${prefix}.expiresAt`, message: `${when}, later than the calling API token, which expires at ${expires}` });
  }
  if (limits.rateLimit !== undefined && !rateLimitWithin(limits.rateLimit, holder.rateLimit)) {
    errors.push({
      path: `${prefix}.rateLimit`,
      message: `${describeRate(limits.rateLimit)} exceeds the calling API token's rate limit of ${describeRate(holder.rateLimit)} (in limit or in rate)`,
    });
  }
  return errors;
}

/** A token's limits as stored: `rateLimit: null` runs under the gateway's default. */
export interface StoredLimits {
  _id: string;
  scopes: readonly Scope[];
  allowedIps: readonly string[];
  expiresAt: Date | null;
  rateLimit: RateLimitValue | null;
}

/** What a caller holds, and what a token it creates inherits for each field left out. */
export interface CallerBounds {
  limits: TokenLimits;
  /** The quota of a token without a `rateLimit` of its own. */
  defaultRateLimit: RateLimitValue;
  inherited: { allowedIps: string[]; expiresAt: Date | null; rateLimit: RateLimitValue | null };
}

const UNLIMITED: RateLimitValue = { limit: Number.POSITIVE_INFINITY, windowSeconds: 1 };

/**
 * The caller's bounds. An internal service holds no token and is bound by its scopes only (what it
 * creates inherits nothing: anywhere, never expiring, the default quota). A token whose limits the
 * gateway did not state can hand out nothing: `403`.
 */
export function callerBounds(caller: Caller): CallerBounds {
  if (caller.limits === 'unrestricted') {
    return {
      limits: { scopes: caller.scopes, allowedIps: [], expiresAt: null, rateLimit: UNLIMITED },
      defaultRateLimit: UNLIMITED,
      inherited: { allowedIps: [], expiresAt: null, rateLimit: null },
    };
  }
  if (caller.limits === 'unknown') {
    throw AppError.forbidden("The gateway did not state this API token's limits, so it cannot hand out or change any token.");
  }
  const { allowedIps, expiresAt, rateLimit, defaultRateLimit } = caller.limits;
  const expiry = expiresAt === null ? null : new Date(expiresAt);
  return {
    limits: { scopes: caller.scopes, allowedIps, expiresAt: expiry, rateLimit },
    defaultRateLimit,
    inherited: { allowedIps: [...allowedIps], expiresAt: expiry, rateLimit: { limit: rateLimit.limit, windowSeconds: rateLimit.windowSeconds } },
  };
}

/** The values a request sets explicitly (`undefined`: left out); `rateLimit: null` asks for the default quota. */
export interface RequestedLimits {
  scopes?: readonly Scope[];
  allowedIps?: readonly string[];
  expiresAt?: Date | null;
  rateLimit?: RateLimitValue | null;
}

/** `403` naming each field of the request that would hand out more than the caller holds. */
export function refuseBroaderRequest(bounds: CallerBounds, requested: RequestedLimits): void {
  const { rateLimit, ...rest } = requested;
  const errors = beyondLimits({ ...rest, ...(rateLimit === undefined ? {} : { rateLimit: rateLimit ?? bounds.defaultRateLimit }) }, bounds.limits, 'body');
  if (errors.length > 0) {
    throw AppError.forbidden(`This API token can only hand out what it holds itself: ${errors.map((error) => error.message).join('; ')}.`, errors);
  }
}

/**
 * PATCH, rotate and DELETE reach only tokens that lie within the caller on every axis (rotating a
 * broader token would hand its powers to the caller); a token may always act on itself.
 */
export function refuseBroaderTarget(caller: Caller, target: StoredLimits, action: string): void {
  if (caller.tokenId !== null && caller.tokenId === target._id) return;
  const bounds = callerBounds(caller);
  const errors = beyondLimits(
    { scopes: target.scopes, allowedIps: target.allowedIps, expiresAt: target.expiresAt, rateLimit: target.rateLimit ?? bounds.defaultRateLimit },
    bounds.limits,
    'token',
  );
  if (errors.length > 0) {
    throw AppError.forbidden(`This API token cannot ${action} a token that holds more than it does: ${errors.map((error) => error.message).join('; ')}.`, errors);
  }
}
