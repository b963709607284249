import { AppError } from './app-error';

/** Cursors are opaque to clients: the position of the last item, base64url-encoded JSON. */
export function encodeCursor(position: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
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
  throw AppError.badRequest('The cursor is invalid.', [{ path: 'query.cursor', message: 'is not a cursor this API issued' }]);
}
