import { generateTokenSecret, parseTokenSecret, tokenHint, TOKEN_PREFIX } from './token-secret';

describe('token secrets', () => {
  it('generates prefixed secrets that pass their own checksum', () => {
    const secret = generateTokenSecret();
    expect(secret.startsWith(TOKEN_PREFIX)).toBe(true);
    expect(secret).toHaveLength(40);
    expect(parseTokenSecret(secret)).toEqual({ ok: true });
  });

  it('never repeats', () => {
    const secrets = new Set(Array.from({ length: 1000 }, generateTokenSecret));
    expect(secrets.size).toBe(1000);
  });

  it('rejects a one-character typo by checksum', () => {
    const secret = generateTokenSecret();
    const i = 10;
    const typo = secret.slice(0, i) + (secret[i] === 'a' ? 'b' : 'a') + secret.slice(i + 1);
    expect(parseTokenSecret(typo)).toEqual({ ok: false, reason: 'checksum' });
  });

  it('rejects random guesses of the right shape almost always', () => {
    const guesses = Array.from({ length: 2000 }, () => generateTokenSecret().slice(0, 34) + 'AAAAAA');
    expect(guesses.filter((guess) => parseTokenSecret(guess).ok).length).toBeLessThan(2);
  });

  it.each(['', 'wdn_', 'ghp_abc', `wdn_${'a'.repeat(35)}`, `wdn_${'a'.repeat(35)}!`])('rejects malformed %p', (value) => {
    expect(parseTokenSecret(value)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('hints with the prefix and last four characters', () => {
    const secret = generateTokenSecret();
    expect(tokenHint(secret)).toBe(`wdn_…${secret.slice(-4)}`);
  });
});
