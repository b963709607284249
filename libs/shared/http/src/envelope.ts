/** Success bodies share one envelope so clients parse every response the same way. */
export interface Envelope<T> {
  success: true;
  messages: string[];
  data: T;
}

export interface ListEnvelope<T> extends Envelope<T[]> {
  meta: { nextCursor: string | null };
}

export function ok<T>(data: T, messages: string[] = []): Envelope<T> {
  return { success: true, messages, data };
}

export function list<T>(items: T[], nextCursor: string | null): ListEnvelope<T> {
  return { success: true, messages: [], data: items, meta: { nextCursor } };
}
