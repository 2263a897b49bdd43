import type { Queryable } from '@bg/postgres';
import { scopesOf } from '../db/accounts';
import type { GroupHeader } from '../domain/group-state';

/** The accounts whose activities a group's engagement counts, the group's own first. */
export type ScopeOfGroup = (group: Pick<GroupHeader, 'accountId' | 'memberScope'>) => string[];

/**
 * The scopes of these groups in one query: a roll-up group (`account-and-descendants`) counts its members' activities
 * at every account of its scope, by the one descendant-scope rule (libs/rules hierarchy.ts); any other group, those at
 * its own account.
 */
export async function scopesOfGroups(
  db: Queryable,
  groups: readonly Pick<GroupHeader, 'accountId' | 'memberScope'>[],
): Promise<ScopeOfGroup> {
  const scopes = await scopesOf(
    db,
    groups.filter((g) => g.memberScope === 'account-and-descendants').map((g) => g.accountId),
  );
  return (group) =>
    group.memberScope === 'account-and-descendants'
      ? (scopes.get(group.accountId) ?? [group.accountId])
      : [group.accountId];
}
