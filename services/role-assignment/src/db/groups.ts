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

export async function saveGroup(db: Queryable, group: GroupState): Promise<void> {
  await db.query(
    `INSERT INTO groups (account_id, solution_interest_id, buying_group_id, name, status, slots, members, removed_members, membership_version, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, now())
     ON CONFLICT ON CONSTRAINT groups_pkey DO UPDATE SET name = EXCLUDED.name, status = EXCLUDED.status, slots = EXCLUDED.slots,
       members = EXCLUDED.members, removed_members = EXCLUDED.removed_members, membership_version = EXCLUDED.membership_version, updated_at = now()`,
    [
      group.accountId,
      group.solutionInterestId,
      group.buyingGroupId,
      group.name,
      group.status,
      JSON.stringify(group.slots),
      JSON.stringify(group.members),
      JSON.stringify(group.removedMembers),
      group.membershipVersion,
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
