import { allowedIpsBeyond, beyondLimits, expiryWithin, rateLimitWithin, scopesBeyond, type TokenLimits } from './attenuation';

const holder: TokenLimits = {
  scopes: ['tokens:read', 'tokens:write', 'audit:read'],
  allowedIps: ['10.0.0.0/8', '2001:db8::/32', '198.51.100.7'],
  expiresAt: new Date('2030-01-01T00:00:00.000Z'),
  rateLimit: { limit: 60, windowSeconds: 60 },
};

describe('scopes', () => {
  it('names the scopes the holder lacks', () => {
    expect(scopesBeyond(['tokens:read', 'credentials:reveal'], holder.scopes)).toEqual(['credentials:reveal']);
    expect(scopesBeyond([], holder.scopes)).toEqual([]);
  });
});

describe('allowedIps', () => {
  it.each([
    [['10.1.2.0/24'], []],
    [['10.1.2.3'], []],
    [['10.0.0.0/8'], []],
    [['10.1.2.3/8'], []],
    [['198.51.100.7'], []],
    [['198.51.100.7/32'], []],
    [['2001:db8:1::/48'], []],
    [['2001:db8::1'], []],
    [['::ffff:10.1.2.3'], []],
    [['::ffff:10.0.0.0/104'], []],
    [['10.0.0.0/7'], ['10.0.0.0/7']],
    [['11.0.0.1'], ['11.0.0.1']],
    [['198.51.100.0/24'], ['198.51.100.0/24']],
    [['2001:db8::/31'], ['2001:db8::/31']],
    [['::/0'], ['::/0']],
    [['0.0.0.0/0'], ['0.0.0.0/0']],
    [['::ffff:11.0.0.1'], ['::ffff:11.0.0.1']],
    [['10.0.0.1', '192.0.2.1'], ['192.0.2.1']],
  ])('%j reaches beyond the holder at %j', (entries, beyond) => {
    expect(allowedIpsBeyond(entries, holder.allowedIps)).toEqual({ anywhere: false, entries: beyond });
  });

  it('holds an empty list (any address) to be broader than any list', () => {
    expect(allowedIpsBeyond([], holder.allowedIps)).toEqual({ anywhere: true, entries: [] });
  });

  it('lets a holder without a list (any address) hand out any list, the empty one included', () => {
    expect(allowedIpsBeyond([], [])).toEqual({ anywhere: false, entries: [] });
    expect(allowedIpsBeyond(['::/0', '0.0.0.0/0'], [])).toEqual({ anywhere: false, entries: [] });
  });

  it('never counts an IPv4 range as inside an IPv6 one, nor the other way round', () => {
    expect(allowedIpsBeyond(['10.0.0.1'], ['::/0']).entries).toEqual(['10.0.0.1']);
    expect(allowedIpsBeyond(['2001:db8::1'], ['0.0.0.0/0']).entries).toEqual(['2001:db8::1']);
  });

  it('finds nothing inside a holder entry that does not parse', () => {
    expect(allowedIpsBeyond(['10.0.0.1'], ['not-an-address']).entries).toEqual(['10.0.0.1']);
  });
});

describe('expiresAt', () => {
  it('allows no later expiry than the holder’s, and never-expiring only under a holder that never expires', () => {
    expect(expiryWithin(new Date('2029-12-31T23:59:59.999Z'), holder.expiresAt)).toBe(true);
    expect(expiryWithin(holder.expiresAt, holder.expiresAt)).toBe(true);
    expect(expiryWithin(new Date('2030-01-01T00:00:00.001Z'), holder.expiresAt)).toBe(false);
    expect(expiryWithin(null, holder.expiresAt)).toBe(false);
    expect(expiryWithin(null, null)).toBe(true);
    expect(expiryWithin(new Date('2100-01-01T00:00:00.000Z'), null)).toBe(true);
  });
});

describe('rateLimit', () => {
  it.each([
    [{ limit: 60, windowSeconds: 60 }, true],
    [{ limit: 30, windowSeconds: 60 }, true],
    [{ limit: 1, windowSeconds: 1 }, true],
    [{ limit: 60, windowSeconds: 3600 }, true],
    [{ limit: 61, windowSeconds: 60 }, false],
    // Same limit in a shorter window: a higher rate.
    [{ limit: 60, windowSeconds: 30 }, false],
    // A lower rate but a larger burst.
    [{ limit: 120, windowSeconds: 3600 }, false],
    [{ limit: 2, windowSeconds: 1 }, false],
  ])('%j within 60 per 60 s: %s', (rateLimit, within) => {
    expect(rateLimitWithin(rateLimit, holder.rateLimit)).toBe(within);
  });
});

describe('beyondLimits', () => {
  it('is empty for limits within the holder, and checks only the axes given', () => {
    expect(beyondLimits({ scopes: ['audit:read'], allowedIps: ['10.0.0.1'], expiresAt: holder.expiresAt, rateLimit: { limit: 10, windowSeconds: 60 } }, holder, 'body')).toEqual([]);
    expect(beyondLimits({}, holder, 'body')).toEqual([]);
  });

  it('names each axis that reaches beyond the holder, under the prefix', () => {
    const errors = beyondLimits(
      { scopes: ['credentials:reveal'], allowedIps: [], expiresAt: null, rateLimit: { limit: 100_000, windowSeconds: 1 } },
      holder,
      'body',
    );
    expect(errors.map((error) => error.path)).toEqual(['body.scopes', 'body.allowedIps', 'body.expiresAt', 'body.rateLimit']);
    expect(errors[0].message).toContain('credentials:reveal');
    expect(errors[1].message).toContain('10.0.0.0/8');
    expect(errors[2].message).toContain('2030-01-01T00:00:00.000Z');
    expect(errors[3].message).toContain('60 per 60 s');
  });

  it('names the offending allowlist entries', () => {
    const [error] = beyondLimits({ allowedIps: ['10.0.0.1', '192.0.2.0/24'] }, holder, 'token');
    expect(error.path).toBe('token.allowedIps');
    expect(error.message).toMatch(/^192\.0\.2\.0\/24 lies outside/);
  });
});
