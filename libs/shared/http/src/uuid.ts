const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `value` is a UUID: objects are named by one, and a path id that is not one names nothing (404, never 400). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
