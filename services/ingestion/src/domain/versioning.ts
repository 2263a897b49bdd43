/**
 * Last-writer-wins by the source's modification time: an event applies only when strictly newer than what is stored
 * (older is stale, equal is a no-op). That makes the final state independent of arrival order.
 */
export function isNewer(incoming: string, stored: Date | null): boolean {
  return stored === null || Date.parse(incoming) > stored.getTime();
}

/**
 * The one event per record that can matter in a chunk: the newest by source time (the first of equals, since a later
 * equal one is a no-op). Older events of the same record in the chunk would be overwritten before anyone saw them.
 */
export function latestPerRecord<T>(items: readonly T[], idOf: (item: T) => string, timeOf: (item: T) => string): T[] {
  const latest = new Map<string, T>();
  for (const item of items) {
    const held = latest.get(idOf(item));
    if (held === undefined || Date.parse(timeOf(item)) > Date.parse(timeOf(held))) latest.set(idOf(item), item);
  }
  return [...latest.values()];
}
