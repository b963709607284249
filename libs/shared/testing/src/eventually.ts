/**
 * Probes until `accept` holds or `timeoutMs` has passed, and resolves with the last value probed:
 * the test then asserts on it, so a timeout fails with what was seen. Time-dependent behaviour is
 * awaited this way, never with a fixed sleep; the deadline is generous (a loaded machine is slow,
 * a quiet one returns at once).
 */
export async function eventually<T>(probe: () => Promise<T> | T, accept: (value: T) => boolean, timeoutMs = 30_000, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (accept(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
