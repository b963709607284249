/** What `withinDeadline` answers when the work is still going: the gateway gives up at its upstream timeout. */
export const LATE = Symbol('late');

/**
 * The work's result, or `LATE` once `ms` pass first. The work goes on either way: the caller hands
 * it to a job, which reports how it ended.
 */
export async function withinDeadline<T>(work: Promise<T>, ms: number): Promise<T | typeof LATE> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<typeof LATE>((resolve) => (timer = setTimeout(() => resolve(LATE), ms)));
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}
