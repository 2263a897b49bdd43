/**
 * The list's filters (CONTRACT.md §5) and its sort orders, as pure data and a pure predicate. The SQL form is in
 * db/groups.ts (`listGroups`); the live feed judges changed groups with `matchesFilter`, and a test holds the two
 * equal.
 */
export type GroupStatusFilter = 'active' | 'dissolved' | 'all';

export type GroupFilter = {
  solutionInterestId?: string;
  accountId?: string;
  missingRole?: string;
  completenessLt?: number;
  completenessGte?: number;
  engagementGte?: number;
  status: GroupStatusFilter;
  /** Only this group (the live feed of an open group). */
  buyingGroupId?: string;
};

/** What a filter looks at in a group (a summary, or a version in history). */
export type FilterFields = {
  buyingGroupId: string;
  accountId: string;
  solutionInterestId: string;
  status: 'active' | 'dissolved';
  completeness: number;
  engagement: number;
  missingRoles: readonly string[];
};

export function matchesFilter(filter: GroupFilter, group: FilterFields): boolean {
  return (
    (filter.status === 'all' || group.status === filter.status) &&
    (filter.buyingGroupId === undefined || group.buyingGroupId === filter.buyingGroupId) &&
    (filter.solutionInterestId === undefined || group.solutionInterestId === filter.solutionInterestId) &&
    (filter.accountId === undefined || group.accountId === filter.accountId) &&
    (filter.missingRole === undefined || group.missingRoles.includes(filter.missingRole)) &&
    (filter.completenessLt === undefined || group.completeness < filter.completenessLt) &&
    (filter.completenessGte === undefined || group.completeness >= filter.completenessGte) &&
    (filter.engagementGte === undefined || group.engagement >= filter.engagementGte)
  );
}

/** `sort` of the list: by id (the default), or by a score, ascending or (with `-`) descending; ties by id. */
export const groupSorts = ['buyingGroupId', 'completeness', '-completeness', 'engagement', '-engagement'] as const;
export type GroupSort = (typeof groupSorts)[number];

export type SortKey = { column: 'completeness' | 'engagement'; descending: boolean } | null;

export function sortKey(sort: GroupSort): SortKey {
  if (sort === 'buyingGroupId') return null;
  return { column: sort.replace('-', '') as 'completeness' | 'engagement', descending: sort.startsWith('-') };
}

/**
 * What a live view with this filter hears of a group that changed: the group when it matches now (`matches: true`),
 * or when it matched before this change and no longer does (`matches: false`: it left the view); nothing otherwise.
 */
export function feedDecision(
  filter: GroupFilter,
  now: FilterFields,
  before: FilterFields | null,
): { matches: boolean } | null {
  if (matchesFilter(filter, now)) return { matches: true };
  if (before !== null && matchesFilter(filter, before)) return { matches: false };
  return null;
}
