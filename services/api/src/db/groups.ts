import type { BuyingGroupChanged, MemberSource } from '@bg/contracts';
import type { Queryable } from '@bg/postgres';
import type { GroupRow } from '../domain/group-summary';

export type GroupSummary = GroupRow & { accountName: string | null };

export type GroupFilter = {
  solutionInterestId?: string;
  accountId?: string;
  missingRole?: string;
  completenessLt?: number;
  completenessGte?: number;
  engagementGte?: number;
  status: 'active' | 'dissolved' | 'all';
  /** Keyset: only groups whose id sorts after this one. */
  after?: string;
  limit: number;
};

type SummaryRow = {
  buying_group_id: string;
  account_id: string;
  account_name: string | null;
  solution_interest_id: string;
  name: string;
  version: number;
  status: 'active' | 'dissolved';
  completeness: number;
  engagement: number;
  missing_roles: string[];
  member_count: number;
  updated_at: Date;
};

const summaryColumns = `g.buying_group_id, g.account_id, a.name AS account_name, g.solution_interest_id, g.name, g.version,
  g.status, g.completeness, g.engagement, g.missing_roles, g.member_count, g.updated_at`;

const toSummary = (row: SummaryRow): GroupSummary => ({
  buyingGroupId: row.buying_group_id,
  accountId: row.account_id,
  accountName: row.account_name,
  solutionInterestId: row.solution_interest_id,
  name: row.name,
  version: row.version,
  status: row.status,
  completeness: row.completeness,
  engagement: row.engagement,
  missingRoles: row.missing_roles,
  memberCount: row.member_count,
  updatedAt: row.updated_at.toISOString(),
});

/**
 * One page of groups in buyingGroupId order, after the cursor's id. The key never changes for a group, so concurrent
 * updates can change what a group shows but never make a page repeat or skip one.
 */
export async function listGroups(db: Queryable, filter: GroupFilter): Promise<GroupSummary[]> {
  const conditions: string[] = [];
  const values: unknown[] = [];
  const where = (sql: (placeholder: string) => string, value: unknown) => {
    values.push(value);
    conditions.push(sql(`$${values.length}`));
  };
  if (filter.status !== 'all') where((p) => `g.status = ${p}`, filter.status);
  if (filter.solutionInterestId !== undefined) where((p) => `g.solution_interest_id = ${p}`, filter.solutionInterestId);
  if (filter.accountId !== undefined) where((p) => `g.account_id = ${p}`, filter.accountId);
  if (filter.missingRole !== undefined) where((p) => `g.missing_roles @> ARRAY[${p}::text]`, filter.missingRole);
  if (filter.completenessLt !== undefined) where((p) => `g.completeness < ${p}`, filter.completenessLt);
  if (filter.completenessGte !== undefined) where((p) => `g.completeness >= ${p}`, filter.completenessGte);
  if (filter.engagementGte !== undefined) where((p) => `g.engagement >= ${p}`, filter.engagementGte);
  if (filter.after !== undefined) where((p) => `g.buying_group_id > ${p}`, filter.after);
  values.push(filter.limit);
  const { rows } = await db.query<SummaryRow>(
    `SELECT ${summaryColumns} FROM buying_groups g LEFT JOIN accounts a ON a.account_id = g.account_id
     ${conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''}
     ORDER BY g.buying_group_id LIMIT $${values.length}`,
    values,
  );
  return rows.map(toSummary);
}

export async function findSnapshot(db: Queryable, buyingGroupId: string): Promise<BuyingGroupChanged | null> {
  const { rows } = await db.query<{ snapshot: BuyingGroupChanged }>(
    'SELECT snapshot FROM buying_groups WHERE buying_group_id = $1',
    [buyingGroupId],
  );
  return rows[0]?.snapshot ?? null;
}

/** The versions of a group after `afterVersion`, oldest first. */
export async function groupHistory(
  db: Queryable,
  buyingGroupId: string,
  afterVersion: number,
  limit: number,
): Promise<BuyingGroupChanged[]> {
  const { rows } = await db.query<{ event: BuyingGroupChanged }>(
    `SELECT event FROM buying_group_history WHERE buying_group_id = $1 AND version > $2 ORDER BY version LIMIT $3`,
    [buyingGroupId, afterVersion, limit],
  );
  return rows.map((row) => row.event);
}

export async function groupsOfAccount(db: Queryable, accountId: string): Promise<GroupSummary[]> {
  const { rows } = await db.query<SummaryRow>(
    `SELECT ${summaryColumns} FROM buying_groups g LEFT JOIN accounts a ON a.account_id = g.account_id
     WHERE g.account_id = $1 ORDER BY g.status, g.name, g.buying_group_id`,
    [accountId],
  );
  return rows.map(toSummary);
}

export type Membership = {
  buyingGroupId: string;
  accountId: string;
  solutionInterestId: string;
  name: string;
  status: 'active' | 'dissolved';
  role: string;
  source: MemberSource;
  removed: boolean;
  at: string;
};

/** Where a person is a member (or was explicitly removed), from the latest snapshot of each group. */
export async function membershipsOf(db: Queryable, personId: string): Promise<Membership[]> {
  const { rows } = await db.query<{
    buying_group_id: string;
    account_id: string;
    solution_interest_id: string;
    name: string;
    status: 'active' | 'dissolved';
    role: string;
    source: MemberSource;
    removed: boolean;
    changed_at: Date;
  }>(
    `SELECT m.buying_group_id, m.account_id, g.solution_interest_id, g.name, g.status, m.role, m.source, m.removed, m.changed_at
     FROM buying_group_members m JOIN buying_groups g USING (account_id, buying_group_id)
     WHERE m.person_id = $1 ORDER BY g.status, g.name, m.buying_group_id`,
    [personId],
  );
  return rows.map((row) => ({
    buyingGroupId: row.buying_group_id,
    accountId: row.account_id,
    solutionInterestId: row.solution_interest_id,
    name: row.name,
    status: row.status,
    role: row.role,
    source: row.source,
    removed: row.removed,
    at: row.changed_at.toISOString(),
  }));
}

/** The latest snapshots of one solution interest's groups for the given accounts, by accountId. */
export async function snapshotsFor(
  db: Queryable,
  solutionInterestId: string,
  accountIds: readonly string[],
): Promise<Map<string, BuyingGroupChanged>> {
  const { rows } = await db.query<{ account_id: string; snapshot: BuyingGroupChanged }>(
    'SELECT account_id, snapshot FROM buying_groups WHERE solution_interest_id = $1 AND account_id = ANY($2::text[])',
    [solutionInterestId, accountIds],
  );
  return new Map(rows.map((row) => [row.account_id, row.snapshot]));
}
