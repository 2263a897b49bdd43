import type { Queryable } from '@bg/postgres';
import type { GroupState } from '../domain/group-state';

type GroupRow = {
  account_id: string;
  solution_interest_id: string;
  buying_group_id: string;
  name: string;
  status: GroupState['status'];
  slots: GroupState['slots'];
  members: GroupState['members'];
  removed_members: GroupState['removedMembers'];
  membership_version: number;
};

/** Groups of many accounts at once, by `accountId|solutionInterestId` (callers hold the accounts' locks). */
export async function groupsOfMany(db: Queryable, accountIds: string[]): Promise<Map<string, GroupState>> {
  const { rows } = await db.query<GroupRow>('SELECT * FROM groups WHERE account_id = ANY($1::text[])', [accountIds]);
  return new Map(rows.map((row) => [`${row.account_id}|${row.solution_interest_id}`, fromRow(row)]));
}

/** Upserts groups with one statement whatever their number. */
export async function saveGroups(db: Queryable, groups: GroupState[]): Promise<void> {
  if (groups.length === 0) return;
  await db.query(
    `INSERT INTO groups (account_id, solution_interest_id, buying_group_id, name, status, slots, members, removed_members, membership_version, updated_at)
     SELECT g.account_id, g.solution_interest_id, g.buying_group_id, g.name, g.status, g.slots, g.members, g.removed_members, g.membership_version, now()
     FROM jsonb_to_recordset($1::jsonb) AS g(account_id text, solution_interest_id text, buying_group_id text, name text, status text,
       slots jsonb, members jsonb, removed_members jsonb, membership_version int)
     ON CONFLICT ON CONSTRAINT groups_pkey DO UPDATE SET name = EXCLUDED.name, status = EXCLUDED.status, slots = EXCLUDED.slots,
       members = EXCLUDED.members, removed_members = EXCLUDED.removed_members, membership_version = EXCLUDED.membership_version, updated_at = now()`,
    [
      JSON.stringify(
        groups.map((g) => ({
          account_id: g.accountId,
          solution_interest_id: g.solutionInterestId,
          buying_group_id: g.buyingGroupId,
          name: g.name,
          status: g.status,
          slots: g.slots,
          members: g.members,
          removed_members: g.removedMembers,
          membership_version: g.membershipVersion,
        })),
      ),
    ],
  );
}

/** Every stored group (for the oracle comparison in tests and for audits). */
export async function allGroups(db: Queryable): Promise<GroupState[]> {
  const { rows } = await db.query<GroupRow>('SELECT * FROM groups ORDER BY account_id, solution_interest_id');
  return rows.map(fromRow);
}

function fromRow(row: GroupRow): GroupState {
  return {
    accountId: row.account_id,
    solutionInterestId: row.solution_interest_id,
    buyingGroupId: row.buying_group_id,
    name: row.name,
    status: row.status,
    slots: row.slots,
    members: row.members,
    removedMembers: row.removed_members,
    membershipVersion: row.membership_version,
  };
}
