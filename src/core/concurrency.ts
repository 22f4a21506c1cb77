/** Running asynchronous work over a list with a bound on how much runs at once. */

/** Calls `fn` for every item, at most `limit` at a time, in order of start; rejects with the first failure. */
export async function forEachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
}

/**
 * The work in flight under `key` in `inFlight`, else `start()` kept there until it settles: calls
 * that overlap share one run, a later call starts a new one.
 */
export function sharedWhileRunning<K, T>(inFlight: Map<K, Promise<T>>, key: K, start: () => Promise<T>): Promise<T> {
  let p = inFlight.get(key);
  if (!p) {
    p = start().finally(() => inFlight.delete(key));
    inFlight.set(key, p);
  }
  return p;
}
