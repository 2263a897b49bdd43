/**
 * What the projection tells live views at commit: which groups advanced and from which version (null: new). Carried
 * as PostgreSQL notifications, whose payload must stay under 8000 bytes, so a large chunk becomes several.
 */
export type AdvancedGroup = { buyingGroupId: string; previousVersion: number | null };

/** The notification channel (per database, so test databases never hear each other). */
export const groupVersionsChannel = 'bg_api_group_versions';

const maxPayloadBytes = 7_900;

export function noticePayloads(groups: readonly AdvancedGroup[]): string[] {
  const payloads: string[] = [];
  let entries: string[] = [];
  let bytes = 2;
  for (const group of groups) {
    const entry = JSON.stringify([group.buyingGroupId, group.previousVersion]);
    const size = Buffer.byteLength(entry) + 1;
    if (entries.length > 0 && bytes + size > maxPayloadBytes) {
      payloads.push(`[${entries.join(',')}]`);
      entries = [];
      bytes = 2;
    }
    entries.push(entry);
    bytes += size;
  }
  if (entries.length > 0) payloads.push(`[${entries.join(',')}]`);
  return payloads;
}

/** The groups a payload names; anything else (another writer on the channel) names none. */
export function parseNotice(payload: string): AdvancedGroup[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  return parsed.flatMap((entry: unknown) =>
    Array.isArray(entry) && typeof entry[0] === 'string' && (entry[1] === null || Number.isInteger(entry[1]))
      ? [{ buyingGroupId: entry[0], previousVersion: entry[1] as number | null }]
      : [],
  );
}
