import { formatUtc, isoToUtcInput, splitList, utcInputToIso } from './format';

describe('format', () => {
  it('shows instants in UTC', () => {
    expect(formatUtc('2025-11-24T16:41:07.312Z')).toBe('2025-11-24 16:41:07 UTC');
    expect(formatUtc(null)).toBe('—');
    expect(formatUtc(undefined, 'never')).toBe('never');
  });

  it('reads and writes datetime-local values as UTC', () => {
    expect(utcInputToIso('2026-06-30T12:05')).toBe('2026-06-30T12:05:00.000Z');
    expect(utcInputToIso('')).toBeUndefined();
    expect(isoToUtcInput('2026-06-30T12:05:00.000Z')).toBe('2026-06-30T12:05');
  });

  it('splits lists on lines and commas', () => {
    expect(splitList('203.0.113.0/24\n 2001:db8::/32, 198.51.100.7,\n')).toEqual(['203.0.113.0/24', '2001:db8::/32', '198.51.100.7']);
  });
});
