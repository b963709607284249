import { decodeCursor, encodeCursor } from './cursor';

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
});
