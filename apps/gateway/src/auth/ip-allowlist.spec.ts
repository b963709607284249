import { clientIp } from './client-ip';
import { IpAllowlist } from './ip-allowlist';

const allows = (entries: string[], ip: string) => new IpAllowlist(entries).allows(clientIp(ip).address);

describe('IP allowlist', () => {
  it('allows everyone when empty', () => {
    expect(allows([], '203.0.113.9')).toBe(true);
  });

  it.each([
    [['10.0.0.0/8'], '10.20.30.40', true],
    [['10.0.0.0/8'], '11.0.0.1', false],
    [['203.0.113.9'], '203.0.113.9', true],
    [['203.0.113.9'], '203.0.113.10', false],
    [['10.0.0.0/8'], '::ffff:10.1.2.3', true],
    [['::ffff:10.0.0.0/104'], '10.1.2.3', true],
    [['::ffff:192.0.2.1'], '192.0.2.1', true],
    [['2001:db8::/32'], '2001:db8:1::5', true],
    [['2001:db8::/32'], '2001:db9::5', false],
    [['2001:db8::1'], '2001:db8:0:0:0:0:0:1', true],
    [['10.0.0.0/8'], '2001:db8::1', false],
    [['not-an-ip'], '10.0.0.1', false],
    [['127.0.0.1', '::1'], '::1', true],
  ])('%p allows %s: %s', (entries, ip, expected) => {
    expect(allows(entries, ip)).toBe(expected);
  });

  it('refuses an unparseable client address when a list is set', () => {
    expect(allows(['10.0.0.0/8'], 'garbage')).toBe(false);
  });

  it('counts IPv6 clients by their /64 and IPv4-mapped clients as IPv4', () => {
    expect(clientIp('2001:db8:1:2:aaaa::1').limitKey).toBe('2001:db8:1:2::/64');
    expect(clientIp('::ffff:127.0.0.1')).toMatchObject({ text: '127.0.0.1', limitKey: '127.0.0.1' });
  });
});
