import type pg from 'pg';
import type { PublishedGroup } from '@bg/testing';

/**
 * Every group as the API's read model holds it now (the projection of each group's latest public version): what the
 * oracle check compares, read by SQL rather than by replaying the whole public topic, which at `--full` holds
 * millions of versions. Of a member's reason only the slot is read: with `since`, it is all the oracle takes from the
 * previous membership (who has stood longest in a full slot).
 */
export async function projectedGroups(db: pg.Pool): Promise<PublishedGroup[]> {
  const groups = new Map<string, PublishedGroup>();
  const { rows: heads } = await db.query<{
    buying_group_id: string;
    account_id: string;
    solution_interest_id: string;
    version: number;
    status: 'active' | 'dissolved';
  }>('SELECT buying_group_id, account_id, solution_interest_id, version, status FROM api.buying_groups');
  for (const g of heads) {
    groups.set(g.buying_group_id, {
      accountId: g.account_id,
      solutionInterestId: g.solution_interest_id,
      version: g.version,
      status: g.status,
      members: [],
      removedMembers: [],
    });
  }
  const { rows } = await db.query<{
    buying_group_id: string;
    person_id: string;
    role: string;
    source: PublishedGroup['members'][number]['source'];
    removed: boolean;
    changed_at: Date;
    slot: number | null;
  }>(
    `SELECT buying_group_id, person_id, role, source, removed, changed_at, (reason->>'slot')::int AS slot
     FROM api.buying_group_members`,
  );
  for (const r of rows) {
    const group = groups.get(r.buying_group_id);
    if (!group) continue;
    const at = r.changed_at.toISOString();
    if (r.removed) group.removedMembers.push({ personId: r.person_id, role: r.role, source: r.source, removedAt: at });
    else
      group.members.push({
        personId: r.person_id,
        role: r.role,
        source: r.source,
        since: at,
        reason: { slot: r.slot, matched: [] },
      });
  }
  return [...groups.values()];
}
