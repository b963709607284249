import { AppError } from './app-error';

/** Cursors are opaque to clients: the position of the last item, base64url-encoded JSON. */
export function encodeCursor(position: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

function invalidCursor(): AppError {
  return AppError.badRequest('The cursor is invalid.', [{ path: 'query.cursor', message: 'is not a cursor this API issued' }]);
}

/** A cursor's time position (milliseconds, as encoded) as a Date; a 400 when it is no instant Date can hold. */
export function cursorTime(value: string | number): Date {
  const time = typeof value === 'number' ? new Date(value) : new Date(Number.NaN);
  if (Number.isNaN(time.getTime())) throw invalidCursor();
  return time;
}

export function decodeCursor<T extends Record<string, string | number>>(cursor: string, keys: (keyof T)[]): T {
  try {
    const position = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    const valid =
      position &&
      typeof position === 'object' &&
      !Array.isArray(position) &&
      keys.every((key) => ['string', 'number'].includes(typeof position[key]));
    if (valid) return Object.fromEntries(keys.map((key) => [key, position[key]])) as T;
  } catch {
    // fall through to the 400 below
  }
  throw invalidCursor();
}
