import type { OutboxMessage, Queryable } from '@bg/postgres';
import { saveMemberRows } from '../db/group-members';
import { saveGroups } from '../db/groups';
import type { GroupDecision } from '../domain/group-version';
import { versionMessages } from './emit';

/**
 * Writes what the decisions changed — the group rows first (their version check fails early on a concurrent writer),
 * then only the member rows that differ — and returns the messages of the versions published, for the outbox.
 */
export async function saveDecisions(db: Queryable, decisions: readonly GroupDecision[]): Promise<OutboxMessage[]> {
  await saveGroups(
    db,
    decisions.filter((d) => d.groupChanged),
  );
  await saveMemberRows(
    db,
    decisions.map(({ group, rows }) => ({ group, ...rows })),
  );
  return decisions.flatMap(({ published, group }) => (published ? versionMessages(published, group.slots) : []));
}
