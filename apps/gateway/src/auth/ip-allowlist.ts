import ipaddr from 'ipaddr.js';
import type { IpAddress } from './client-ip';

type Range = [IpAddress, number];

/** IPv4-mapped IPv6 ranges (`::ffff:10.0.0.0/104`) are the IPv4 ranges they stand for. */
function normalise([address, bits]: Range): Range {
  if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96) {
    return [(address as ipaddr.IPv6).toIPv4Address(), bits - 96];
  }
  return [address, bits];
}

function parseEntry(entry: string): Range {
  if (entry.includes('/')) return normalise(ipaddr.parseCIDR(entry));
  const address = ipaddr.parse(entry);
  return normalise([address, address.kind() === 'ipv4' ? 32 : 128]);
}

/**
 * A token's `allowedIps`, compiled once per verified token: CIDRs and plain addresses, IPv4 and
 * IPv6. An empty list allows every address; an entry that does not parse matches nothing.
 */
export class IpAllowlist {
  private readonly ranges: Range[];
  readonly allowsAll: boolean;

  constructor(entries: readonly string[]) {
    this.allowsAll = entries.length === 0;
    this.ranges = [];
    for (const entry of entries) {
      try {
        this.ranges.push(parseEntry(entry.trim()));
      } catch {
        // Validated by the token service on write; a bad entry grants nothing rather than everything.
      }
    }
  }

  allows(address: IpAddress | null): boolean {
    if (this.allowsAll) return true;
    if (!address) return false;
    for (const [range, bits] of this.ranges) {
      if (range.kind() === address.kind() && address.match(range, bits)) return true;
    }
    return false;
  }
}
