import ipaddr from 'ipaddr.js';

export type IpAddress = ipaddr.IPv4 | ipaddr.IPv6;

/** A client address as the gateway reasons about it: IPv4-mapped IPv6 (`::ffff:10.0.0.1`) becomes IPv4. */
export interface ClientIp {
  /** Canonical text, as passed upstream in the identity. */
  text: string;
  address: IpAddress | null;
  /** What the per-IP limit counts by: the address, or its /64 for IPv6 (one host usually owns a /64). */
  limitKey: string;
}

const UNKNOWN: ClientIp = { text: 'unknown', address: null, limitKey: 'unknown' };

/** Parsing is cached: clients come back, and the hot path should not re-parse the same string. */
const cache = new Map<string, ClientIp>();
const CACHE_MAX = 10_000;

export function clientIp(raw: string | undefined): ClientIp {
  if (!raw) return UNKNOWN;
  const hit = cache.get(raw);
  if (hit) return hit;
  let parsed: ClientIp;
  try {
    const address = ipaddr.process(raw);
    const limitKey =
      address.kind() === 'ipv6'
        ? `${ipaddr.IPv6.networkAddressFromCIDR(`${address.toString()}/64`).toString()}/64`
        : address.toString();
    parsed = { text: address.toString(), address, limitKey };
  } catch {
    parsed = { text: raw, address: null, limitKey: raw };
  }
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(raw, parsed);
  return parsed;
}
