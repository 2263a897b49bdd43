import type { MemberScope } from '@bg/contracts';
import { compareText } from './ordering';

export interface HierarchyAccount {
  accountId: string;
  parentAccountId?: string | null;
}

/**
 * The accounts whose people a group of `accountId` draws on, nearest first: the account itself, then (for
 * `account-and-descendants`) its descendants level by level, each level by accountId. A descendant is reached only
 * through accounts in `accounts`, so removing an account cuts its subtree off; a parent cycle is walked once.
 */
export function accountsInScope(
  accountId: string,
  scope: MemberScope,
  accounts: readonly HierarchyAccount[],
): string[] {
  if (scope === 'account') return [accountId];
  const children = new Map<string, string[]>();
  for (const account of accounts) {
    if (account.parentAccountId == null) continue;
    children.set(account.parentAccountId, [...(children.get(account.parentAccountId) ?? []), account.accountId]);
  }
  const inScope = [accountId];
  const seen = new Set(inScope);
  let level = inScope;
  while (level.length > 0) {
    const next = level.flatMap((parent) => children.get(parent) ?? []).filter((child) => !seen.has(child));
    level = [...new Set(next)].sort(compareText);
    for (const child of level) seen.add(child);
    inScope.push(...level);
  }
  return inScope;
}
