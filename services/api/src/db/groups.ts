import type { BuyingGroupChanged, MemberReason, MemberSource } from '@bg/contracts';
import type { Queryable } from '@bg/postgres';
import type { HistoryItem } from '../domain/group-history';
import { assembleSnapshot, type GroupRecord, type PublishedPeople } from '../domain/group-rows';
import type { GroupRow } from '../domain/group-summary';

export type GroupSummary = GroupRow & { accountName: string | null };

export type GroupFilter = {
  solutionInterestId?: string;
  accountId?: string;
  missingRole?: string;
  completenessLt?: number;
  completenessGte?: number;
  engagementGte?: number;
  /** The name of the stage the groups are in (CONTRACT.md §7). */
  stage?: string;
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
  if (filter.stage !== undefined) where((p) => `g.journey -> 'stage' ->> 'name' = ${p}`, filter.stage);
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

/** The latest version of a group as published, assembled from its group row and member rows. */
export async function findSnapshot(db: Queryable, buyingGroupId: string): Promise<BuyingGroupChanged | null> {
  const [snapshot] = await loadSnapshots(db, 'g.buying_group_id = $1', [buyingGroupId]);
  return snapshot ?? null;
}

/** The versions of a group after `afterVersion`, oldest first: what each changed and the scores it led to. */
export async function groupHistory(
  db: Queryable,
  buyingGroupId: string,
  afterVersion: number,
  limit: number,
): Promise<HistoryItem[]> {
  const { rows } = await db.query<{
    version: number;
    name: string;
    status: 'active' | 'dissolved';
    completeness: number;
    engagement: number;
    missing_roles: string[];
    changes: HistoryItem['changes'];
    cause: HistoryItem['cause'];
    coalesced: string[] | null;
    computed_at: Date;
  }>(
    `SELECT version, name, status, completeness, engagement, missing_roles, changes, cause, coalesced, computed_at
     FROM buying_group_history WHERE buying_group_id = $1 AND version > $2 ORDER BY version LIMIT $3`,
    [buyingGroupId, afterVersion, limit],
  );
  return rows.map((row) => ({
    version: row.version,
    name: row.name,
    status: row.status,
    completeness: { score: row.completeness },
    engagement: { score: row.engagement },
    missingRoles: row.missing_roles,
    changes: row.changes,
    cause: row.cause,
    ...(row.coalesced === null ? {} : { coalesced: row.coalesced }),
    computedAt: row.computed_at.toISOString(),
  }));
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

/** Where a person is a member (or was explicitly removed), from the member rows of each group's latest version. */
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
  const snapshots = await loadSnapshots(db, 'g.solution_interest_id = $1 AND g.account_id = ANY($2::text[])', [
    solutionInterestId,
    accountIds,
  ]);
  return new Map(snapshots.map((snapshot) => [snapshot.accountId, snapshot]));
}

type GroupRecordRow = {
  account_id: string;
  buying_group_id: string;
  solution_interest_id: string;
  name: string;
  version: number;
  status: 'active' | 'dissolved';
  completeness: number;
  engagement: number;
  missing_roles: string[];
  member_count: number;
  updated_at: Date;
  completeness_slots: GroupRecord['completenessSlots'];
  engagement_by_member: boolean;
  changes: GroupRecord['changes'];
  cause: GroupRecord['cause'];
  coalesced: string[] | null;
  published_people: PublishedPeople | null;
  journey: GroupRecord['journey'];
  /** The member rows, as json_build_array(person_id, role, source, removed, changed_at, reason, score, weight). */
  people: [string, string, MemberSource, boolean, string, MemberReason | null, number | null, number | null][];
};

/**
 * The snapshots of the groups matching `where` (over `buying_groups g`), each with its member rows, in one statement
 * so that a group row and its members always come from the same committed version.
 */
async function loadSnapshots(db: Queryable, where: string, values: unknown[]): Promise<BuyingGroupChanged[]> {
  const { rows } = await db.query<GroupRecordRow>(
    `SELECT g.account_id, g.buying_group_id, g.solution_interest_id, g.name, g.version, g.status, g.completeness,
            g.engagement, g.missing_roles, g.member_count, g.updated_at, g.completeness_slots, g.engagement_by_member,
            g.changes, g.cause, g.coalesced, g.published_people, g.journey,
            coalesce((SELECT json_agg(json_build_array(m.person_id, m.role, m.source, m.removed, m.changed_at, m.reason,
                                                       m.engagement_score, m.engagement_weight))
                      FROM buying_group_members m
                      WHERE m.account_id = g.account_id AND m.buying_group_id = g.buying_group_id), '[]') AS people
     FROM buying_groups g WHERE ${where}`,
    values,
  );
  return rows.map((row) =>
    assembleSnapshot(
      {
        accountId: row.account_id,
        buyingGroupId: row.buying_group_id,
        solutionInterestId: row.solution_interest_id,
        name: row.name,
        version: row.version,
        status: row.status,
        completeness: row.completeness,
        engagement: row.engagement,
        missingRoles: row.missing_roles,
        memberCount: row.member_count,
        updatedAt: row.updated_at.toISOString(),
        completenessSlots: row.completeness_slots,
        engagementByMember: row.engagement_by_member,
        changes: row.changes,
        cause: row.cause,
        coalesced: row.coalesced,
        publishedPeople: row.published_people,
        journey: row.journey,
      },
      row.people.map(([personId, role, source, removed, changedAt, reason, score, weight]) => ({
        personId,
        role,
        source,
        removed,
        // json renders timestamptz with the session's offset; the contract's form is UTC with milliseconds.
        changedAt: new Date(changedAt).toISOString(),
        reason,
        engagement: score === null || weight === null ? null : { score, weight },
      })),
    ),
  );
}
