import type { GroupMember, MemberReason, MemberSource, RemovedMember } from '@bg/contracts';
import type { Queryable } from '@bg/postgres';
import { compareText, memberOrder } from '@bg/rules';
import type { GroupMembers, MemberRow } from '../domain/group-state';
import type { GroupKey } from './groups';

type Row = {
  buying_group_id: string;
  person_id: string;
  role: string;
  source: MemberSource;
  removed: boolean;
  changed_at: Date;
  reason: MemberReason | null;
  engagement: number | null;
};

/** The people of these groups (members in member order, removed ones by person), by buying group id. */
export async function loadGroupMembers(db: Queryable, groups: readonly GroupKey[]): Promise<Map<string, GroupMembers>> {
  const byGroup = new Map<
    string,
    { members: GroupMember[]; removedMembers: RemovedMember[]; scores: Map<string, number> }
  >();
  if (groups.length === 0) return byGroup;
  const { rows } = await db.query<Row>(
    `SELECT m.buying_group_id, m.person_id, m.role, m.source, m.removed, m.changed_at, m.reason, m.engagement
     FROM group_members m JOIN unnest($1::text[], $2::text[]) AS g (account_id, buying_group_id) USING (account_id, buying_group_id)`,
    [groups.map((g) => g.accountId), groups.map((g) => g.buyingGroupId)],
  );
  for (const g of groups) byGroup.set(g.buyingGroupId, { members: [], removedMembers: [], scores: new Map() });
  for (const row of rows) {
    const people = byGroup.get(row.buying_group_id)!;
    const base = { personId: row.person_id, role: row.role, source: row.source };
    if (row.removed) {
      people.removedMembers.push({ ...base, removedAt: row.changed_at.toISOString() });
    } else {
      people.members.push({ ...base, since: row.changed_at.toISOString(), reason: row.reason! });
      people.scores.set(row.person_id, row.engagement ?? 0);
    }
  }
  for (const people of byGroup.values()) {
    people.members.sort(memberOrder);
    people.removedMembers.sort((a, b) => compareText(a.personId, b.personId));
  }
  return byGroup;
}

/** A group's member rows to write: those added or changed, and the persons gone. */
export type MemberRowWrite = { group: GroupKey; upserted: readonly MemberRow[]; deleted: readonly string[] };

/** Writes only the rows given (one delete and one upsert statement for all the groups): never a group's every row. */
export async function saveMemberRows(db: Queryable, writes: readonly MemberRowWrite[]): Promise<void> {
  const deleted = writes.flatMap((w) => w.deleted.map((personId) => ({ ...w.group, personId })));
  if (deleted.length > 0) {
    await db.query(
      `DELETE FROM group_members m
       USING unnest($1::text[], $2::text[], $3::text[]) AS d (account_id, buying_group_id, person_id)
       WHERE m.account_id = d.account_id AND m.buying_group_id = d.buying_group_id AND m.person_id = d.person_id`,
      [deleted.map((d) => d.accountId), deleted.map((d) => d.buyingGroupId), deleted.map((d) => d.personId)],
    );
  }
  const upserted = writes.flatMap((w) => w.upserted.map((row) => ({ ...w.group, row })));
  if (upserted.length > 0) {
    await db.query(
      `INSERT INTO group_members (account_id, buying_group_id, person_id, role, source, removed, changed_at, reason, engagement)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::boolean[], $7::timestamptz[],
                            $8::jsonb[], $9::int[])
       ON CONFLICT ON CONSTRAINT group_members_pkey DO UPDATE
         SET role = EXCLUDED.role, source = EXCLUDED.source, removed = EXCLUDED.removed, changed_at = EXCLUDED.changed_at,
             reason = EXCLUDED.reason, engagement = EXCLUDED.engagement`,
      [
        upserted.map((u) => u.accountId),
        upserted.map((u) => u.buyingGroupId),
        upserted.map((u) => u.row.personId),
        upserted.map((u) => u.row.role),
        upserted.map((u) => u.row.source),
        upserted.map((u) => u.row.removed),
        upserted.map((u) => u.row.changedAt),
        upserted.map((u) => (u.row.reason === null ? null : JSON.stringify(u.row.reason))),
        upserted.map((u) => u.row.engagement),
      ],
    );
  }
}
