import type { PersonAccountLink } from '@bg/contracts';

export type LinkChange = { accountId: string; change: 'joined' | 'updated' | 'left'; relationship: string | null };

/**
 * Which accounts a person update touches: the ones it joined, stayed in (possibly with a new relationship) and left.
 * Every one of them gets a recompute, so both sides of a move see it. A link listed twice keeps its first relationship.
 */
export function diffLinks(before: PersonAccountLink[], after: PersonAccountLink[]): LinkChange[] {
  const old = new Map(before.map((l) => [l.accountId, l.relationship]));
  const next = new Map<string, string>();
  for (const link of after) if (!next.has(link.accountId)) next.set(link.accountId, link.relationship);
  const changes: LinkChange[] = [];
  for (const [accountId, relationship] of next) {
    changes.push({ accountId, change: old.has(accountId) ? 'updated' : 'joined', relationship });
  }
  for (const accountId of old.keys()) {
    if (!next.has(accountId)) changes.push({ accountId, change: 'left', relationship: null });
  }
  return changes.sort((a, b) => a.accountId.localeCompare(b.accountId));
}

/** The distinct links of an upsert, first relationship winning. */
export function distinctLinks(links: PersonAccountLink[]): PersonAccountLink[] {
  const seen = new Set<string>();
  return links.filter((l) => !seen.has(l.accountId) && seen.add(l.accountId));
}
