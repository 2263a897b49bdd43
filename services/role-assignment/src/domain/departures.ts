/** A person's link as the departure check sees it: the account, whether it is live, and its live ancestors. */
export type LinkInScope = { accountId: string; accountLive: boolean; ancestors: readonly string[] };

/**
 * Whether a member who is gone from a group left its account (CONTRACT.md §7: link removed or person deleted) rather
 * than stopping to match a rule: then the accounts they are linked to now (live ones, sorted), else null. A person
 * still linked to the group's account — or, for a roll-up group, to one of its descendants — did not leave.
 */
export function departureOf(groupAccountId: string, rollUp: boolean, links: readonly LinkInScope[]): string[] | null {
  const live = links.filter((link) => link.accountLive);
  const stayed = live.some(
    (link) => link.accountId === groupAccountId || (rollUp && link.ancestors.includes(groupAccountId)),
  );
  return stayed ? null : [...new Set(live.map((link) => link.accountId))].sort();
}
