import { cursorTime, decodeCursor, encodeCursor } from './cursor';

describe('cursor', () => {
  it('round-trips a position', () => {
    expect(decodeCursor(encodeCursor({ createdAt: 5, id: 'a' }), ['createdAt', 'id'])).toEqual({ createdAt: 5, id: 'a' });
  });
  it.each(['not-base64!', encodeCursor({ id: 'a' }), Buffer.from('{"id":{"$gt":""}}').toString('base64url')])(
    'refuses %s with a 400',
    (cursor) => {
      expect(() => decodeCursor(cursor, ['createdAt', 'id'])).toThrow(expect.objectContaining({ status: 400 }));
    },
  );
  it('reads a time position as a Date', () => {
    expect(cursorTime(1_700_000_000_000).toISOString()).toBe('2023-11-14T22:13:20.000Z');
  });
  it.each<string | number>([1e300, -1e300, 8.64e15 + 1, Number.NaN, 'x', '1700000000000'])('refuses the time position %s with a 400', (value) => {
    expect(() => cursorTime(value)).toThrow(expect.objectContaining({ status: 400 }));
  });
});
