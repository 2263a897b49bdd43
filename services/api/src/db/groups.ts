import type { BuyingGroupChanged, MemberReason, MemberSource } from '@bg/contracts';
import type { Queryable } from '@bg/postgres';
import type { HistoryItem } from '../domain/group-history';
import { assembleSnapshot, type GroupRecord, type PublishedPeople } from '../domain/group-rows';
import type { SortedPosition } from '../domain/cursor';
import { sortKey, type FilterFields, type GroupFilter, type GroupSort } from '../domain/group-filter';
import type { GroupRow } from '../domain/group-summary';

export type GroupSummary = GroupRow & { accountName: string | null };

export type GroupPage = GroupFilter & {
  /**
   * The name of the stage the groups are in (CONTRACT.md §7). The list's own filter: the console's live feed judges
   * changed groups by their history, which does not carry the stage.
   */
  stage?: string;
  /** Stalled groups (CONTRACT.md §7 signals) or the others; likewise the list's own filter. */
  stalled?: boolean;
  sort: GroupSort;
  /** Keyset: only groups after this one in the page's order (an id, or a score and an id when sorted by a score). */
  after?: string | SortedPosition;
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
 * One page of groups in the page's order, after the cursor's position: by buyingGroupId, or by a score with ties by
 * id. The id never changes for a group, so concurrent updates can change what a group shows but never make an
 * id-ordered page repeat or skip one; a score order follows the scores as they are when each page is read.
 */
export async function listGroups(db: Queryable, page: GroupPage): Promise<GroupSummary[]> {
  const conditions: string[] = [];
  const values: unknown[] = [];
  const param = (value: unknown) => {
    values.push(value);
    return `$${values.length}`;
  };
  const where = (sql: (placeholder: string) => string, value: unknown) => conditions.push(sql(param(value)));
  if (page.status !== 'all') where((p) => `g.status = ${p}`, page.status);
  if (page.buyingGroupId !== undefined) where((p) => `g.buying_group_id = ${p}`, page.buyingGroupId);
  if (page.solutionInterestId !== undefined) where((p) => `g.solution_interest_id = ${p}`, page.solutionInterestId);
  if (page.accountId !== undefined) where((p) => `g.account_id = ${p}`, page.accountId);
  if (page.missingRole !== undefined) where((p) => `g.missing_roles @> ARRAY[${p}::text]`, page.missingRole);
  if (page.completenessLt !== undefined) where((p) => `g.completeness < ${p}`, page.completenessLt);
  if (page.completenessGte !== undefined) where((p) => `g.completeness >= ${p}`, page.completenessGte);
  if (page.engagementGte !== undefined) where((p) => `g.engagement >= ${p}`, page.engagementGte);
  if (page.stage !== undefined) where((p) => `g.journey -> 'stage' ->> 'name' = ${p}`, page.stage);
  // `= 'true'` is the predicate of the partial index of stalled groups; a group without signals is not stalled.
  if (page.stalled !== undefined)
    conditions.push(`(g.journey -> 'signals' ->> 'stalled') ${page.stalled ? '=' : 'IS DISTINCT FROM'} 'true'`);
  const key = sortKey(page.sort);
  let order = 'g.buying_group_id';
  if (key !== null) {
    const column = `g.${key.column}`;
    order = `${column}${key.descending ? ' DESC' : ''}, g.buying_group_id`;
    if (typeof page.after === 'object') {
      const score = param(page.after.score);
      const id = param(page.after.id);
      conditions.push(
        `(${column} ${key.descending ? '<' : '>'} ${score} OR (${column} = ${score} AND g.buying_group_id > ${id}))`,
      );
    }
  } else if (typeof page.after === 'string') {
    where((p) => `g.buying_group_id > ${p}`, page.after);
  }
  const limit = param(page.limit);
  const { rows } = await db.query<SummaryRow>(
    `SELECT ${summaryColumns} FROM buying_groups g LEFT JOIN accounts a ON a.account_id = g.account_id
     ${conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''}
     ORDER BY ${order} LIMIT ${limit}`,
    values,
  );
  return rows.map(toSummary);
}

/** A group as it is now and, when it had one, as its version before `previousVersion`'s successor was: what it was. */
export type GroupMove = { now: GroupSummary; before: FilterFields | null };

/**
 * The summaries of these groups now, each with the filter fields of the version it had before (from history), so a
 * live view can tell a group that entered its filter, changed in it, or left it. One statement for a notification.
 */
export async function groupMoves(
  db: Queryable,
  groups: readonly { buyingGroupId: string; previousVersion: number | null }[],
): Promise<GroupMove[]> {
  if (groups.length === 0) return [];
  const { rows } = await db.query<
    SummaryRow & {
      before_status: 'active' | 'dissolved' | null;
      before_completeness: number | null;
      before_engagement: number | null;
      before_missing_roles: string[] | null;
    }
  >(
    `SELECT ${summaryColumns}, h.status AS before_status, h.completeness AS before_completeness,
            h.engagement AS before_engagement, h.missing_roles AS before_missing_roles
     FROM unnest($1::text[], $2::int[]) AS c (buying_group_id, previous_version)
     JOIN buying_groups g ON g.buying_group_id = c.buying_group_id
     LEFT JOIN accounts a ON a.account_id = g.account_id
     LEFT JOIN buying_group_history h
       ON h.account_id = g.account_id AND h.buying_group_id = g.buying_group_id AND h.version = c.previous_version`,
    [groups.map((g) => g.buyingGroupId), groups.map((g) => g.previousVersion)],
  );
  return rows.map((row) => {
    const now = toSummary(row);
    return {
      now,
      before:
        row.before_status === null
          ? null
          : {
              buyingGroupId: now.buyingGroupId,
              accountId: now.accountId,
              solutionInterestId: now.solutionInterestId,
              status: row.before_status,
              completeness: row.before_completeness!,
              engagement: row.before_engagement!,
              missingRoles: row.before_missing_roles!,
            },
    };
  });
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
