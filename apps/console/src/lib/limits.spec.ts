import {
  allowlistHint,
  callerLimits,
  describeTokenLimits,
  expiryHint,
  formatInstant,
  inheritedValues,
  parseTokenRatePolicy,
  placeFieldErrors,
  rateLimitHint,
  tokenFieldOf,
} from './limits';

describe('parseTokenRatePolicy', () => {
  it('reads the per-token quota, alone or in a list of policies', () => {
    expect(parseTokenRatePolicy('"per-token";q=60;w=60')).toEqual({ limit: 60, windowSeconds: 60 });
    expect(parseTokenRatePolicy('"per-account";q=1000;w=60, "per-token";q=5;w=1')).toEqual({ limit: 5, windowSeconds: 1 });
  });

  it('ignores other policies and what it cannot read', () => {
    expect(parseTokenRatePolicy('"per-ip";q=10;w=60')).toBeUndefined();
    expect(parseTokenRatePolicy('"per-token";q=;w=60')).toBeUndefined();
    expect(parseTokenRatePolicy(null)).toBeUndefined();
  });
});

describe('callerLimits', () => {
  it('takes every limit the token metadata carries, its own rate limit before the policy header', () => {
    const limits = callerLimits(
      { allowedIps: ['10.0.0.0/8'], expiresAt: '2026-12-31T12:00:00.000Z', rateLimit: { limit: 30, windowSeconds: 60 } },
      '"per-token";q=30;w=60',
    );
    expect(limits).toEqual({
      allowedIps: ['10.0.0.0/8'],
      expiresAt: '2026-12-31T12:00:00.000Z',
      rateLimit: { limit: 30, windowSeconds: 60 },
      effectiveRateLimit: { limit: 30, windowSeconds: 60 },
    });
  });

  it('takes the default it runs under from the policy header when the token has no rate limit of its own', () => {
    expect(callerLimits({ allowedIps: [], expiresAt: null, rateLimit: null }, '"per-token";q=60;w=60')).toEqual({
      allowedIps: [],
      expiresAt: null,
      rateLimit: null,
      effectiveRateLimit: { limit: 60, windowSeconds: 60 },
    });
  });

  it('leaves unknown what a verification does not tell', () => {
    expect(callerLimits({ expiresAt: null })).toEqual({ expiresAt: null });
  });
});

describe('inherited limits in words', () => {
  const restricted = callerLimits({
    allowedIps: ['10.0.0.0/8'],
    expiresAt: '2026-12-31T12:00:00.000Z',
    rateLimit: { limit: 60, windowSeconds: 60 },
  });
  const unrestricted = callerLimits({ allowedIps: [], expiresAt: null, rateLimit: null }, '"per-token";q=60;w=60');
  const unknown = callerLimits({});

  it('names the allowlist a token inherits and must stay inside', () => {
    expect(allowlistHint(restricted)).toBe("Inherits: 10.0.0.0/8 (your token's allowlist). Entries must lie inside it.");
    expect(allowlistHint(unrestricted)).toBe('Inherits: any address (your token has no allowlist).');
    expect(allowlistHint(unknown)).toBe("Empty inherits your token's allowlist; entries must lie inside it.");
    const many = callerLimits({ allowedIps: ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5', '10.0.0.6', '10.0.0.7'] });
    expect(allowlistHint(many)).toBe("Inherits: 10.0.0.1, 10.0.0.2, 10.0.0.3, 10.0.0.4, 10.0.0.5 and 2 more (your token's allowlist). Entries must lie inside it.");
  });

  it('names the latest expiry', () => {
    expect(expiryHint(restricted)).toBe('No later than 2026-12-31 12:00 UTC (when your token expires). Empty inherits that expiry.');
    expect(expiryHint(unrestricted)).toBe('Inherits: never (your token does not expire).');
    expect(expiryHint(unknown)).toBe("Empty inherits your token's expiry; a token expires no later than yours.");
  });

  it('names the rate limit, its own or the default it runs under', () => {
    expect(rateLimitHint(restricted)).toBe("At most 60 per 60 s (your token's rate limit): no more requests and no higher rate. Empty inherits it.");
    expect(rateLimitHint(unrestricted)).toBe(
      'At most 60 per 60 s (the platform default your token runs under): no more requests and no higher rate. Empty inherits it.',
    );
    expect(rateLimitHint(callerLimits({ rateLimit: null }))).toBe(
      'Empty inherits the platform default that your token runs under; a token cannot allow more.',
    );
    expect(rateLimitHint(unknown)).toBe("Empty inherits your token's rate limit; a token cannot allow more.");
  });

  it('shows seconds only when the instant has some', () => {
    expect(formatInstant('2026-12-31T12:00:00.000Z')).toBe('2026-12-31 12:00 UTC');
    expect(formatInstant('2026-12-31T12:00:30.000Z')).toBe('2026-12-31 12:00:30 UTC');
  });

  it('turns an emptied field into the signed-in token’s value, or the broadest when it is unknown', () => {
    expect(inheritedValues(restricted)).toEqual({
      allowedIps: ['10.0.0.0/8'],
      expiresAt: '2026-12-31T12:00:00.000Z',
      rateLimit: { limit: 60, windowSeconds: 60 },
    });
    // Its own "no rate limit" stays the default rather than a copy of the default's numbers.
    expect(inheritedValues(unrestricted)).toEqual({ allowedIps: [], expiresAt: null, rateLimit: null });
    expect(inheritedValues(callerLimits({}, '"per-token";q=100;w=60'))).toEqual({
      allowedIps: [],
      expiresAt: null,
      rateLimit: { limit: 100, windowSeconds: 60 },
    });
  });

  it('describes the limits a new token got', () => {
    expect(describeTokenLimits({ allowedIps: ['10.1.0.0/16'], expiresAt: '2026-12-31T12:00:00.000Z', rateLimit: { limit: 10, windowSeconds: 1 } })).toEqual([
      ['Allowed IPs', '10.1.0.0/16'],
      ['Expires', '2026-12-31 12:00 UTC'],
      ['Rate limit', '10 per 1 s'],
    ]);
    expect(describeTokenLimits({ allowedIps: [], expiresAt: null, rateLimit: null })).toEqual([
      ['Allowed IPs', 'any address'],
      ['Expires', 'never'],
      ['Rate limit', 'the platform default'],
    ]);
  });
});

describe('field errors', () => {
  it('maps request paths to the token form fields', () => {
    expect(tokenFieldOf('body.allowedIps')).toBe('allowedIps');
    expect(tokenFieldOf('body.allowedIps[2]')).toBe('allowedIps');
    expect(tokenFieldOf('body.expiresAt')).toBe('expiresAt');
    expect(tokenFieldOf('body.rateLimit')).toBe('rateLimit');
    expect(tokenFieldOf('body.rateLimit.windowSeconds')).toBe('rateLimit');
    expect(tokenFieldOf('body.scopes')).toBe('scopes');
    expect(tokenFieldOf('body.name')).toBe('name');
    expect(tokenFieldOf('body.allowedIpsExtra')).toBeUndefined();
    expect(tokenFieldOf('body.colour')).toBeUndefined();
    expect(tokenFieldOf('body')).toBeUndefined();
    expect(tokenFieldOf('query.limit')).toBeUndefined();
  });

  it('places each message of a 403 next to its field', () => {
    const { byField, unplaced } = placeFieldErrors([
      { path: 'body.allowedIps', message: "must lie inside the calling token's allowlist (10.0.0.0/8)" },
      { path: 'body.expiresAt', message: 'must be no later than 2026-12-31T12:00:00.000Z' },
      { path: 'body.rateLimit', message: 'must not allow more than 60 requests per 60 seconds.' },
      { path: 'body.scopes', message: 'the calling token lacks credentials:reveal' },
    ]);
    expect(byField).toEqual({
      allowedIps: "Must lie inside the calling token's allowlist (10.0.0.0/8).",
      expiresAt: 'Must be no later than 2026-12-31T12:00:00.000Z.',
      rateLimit: 'Must not allow more than 60 requests per 60 seconds.',
      scopes: 'The calling token lacks credentials:reveal.',
    });
    expect(unplaced).toEqual([]);
  });

  it('says which entry or part a message is about, and keeps what it cannot place', () => {
    const { byField, unplaced } = placeFieldErrors([
      { path: 'body.allowedIps[1]', message: 'must be an IPv4/IPv6 address or CIDR range' },
      { path: 'body.allowedIps[3]', message: 'must be an IPv4/IPv6 address or CIDR range' },
      { path: 'body.rateLimit.windowSeconds', message: 'must be <= 86400' },
      { path: 'body.colour', message: 'must NOT have additional properties' },
    ]);
    expect(byField).toEqual({
      allowedIps: 'Entry 2: must be an IPv4/IPv6 address or CIDR range. Entry 4: must be an IPv4/IPv6 address or CIDR range.',
      rateLimit: 'Window: must be <= 86400.',
    });
    expect(unplaced).toEqual([{ path: 'body.colour', message: 'must NOT have additional properties' }]);
  });
});
