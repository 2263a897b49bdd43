/**
 * Last-writer-wins by the source's modification time: an event applies only when strictly newer than what is stored
 * (older is stale, equal is a no-op). That makes the final state independent of arrival order.
 */
export function isNewer(incoming: string, stored: Date | null): boolean {
  return stored === null || Date.parse(incoming) > stored.getTime();
}
