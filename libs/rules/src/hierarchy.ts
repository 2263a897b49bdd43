import type { MemberScope } from '@bg/contracts';
import { compareText } from './ordering';

/**
 * The one descendant-scope rule, for `account-and-descendants`: the accounts whose people a group of an account draws
 * on are the account itself, then its live descendants level by level (each level by account id: the order that picks
 * a person's nearest link), at most `maxHierarchyDepth` levels down. A deleted account is not walked through, so its
 * whole subtree leaves every ancestor's group — as a CRM detaches the children of an account it deletes — and rejoins
 * if the account comes back; a parent cycle is walked once. The same rule has a pure form (`accountsInScope`, for the
 * oracle and tests) and a SQL form (`scopeQuery`, `ancestorsQuery`, for the services' own `accounts` tables); a test
 * holds them equal.
 */
export const maxHierarchyDepth = 64;

export interface HierarchyAccount {
  accountId: string;
  parentAccountId?: string | null;
}

/** The scope of a group of `accountId`, nearest first; `accounts` are the live accounts. */
export function accountsInScope(
  accountId: string,
  scope: MemberScope,
  accounts: readonly HierarchyAccount[],
): string[] {
  if (scope === 'account') return [accountId];
  const children = childrenOf(accounts);
  const inScope = [accountId];
  const seen = new Set(inScope);
  let level = inScope;
  for (let depth = 1; depth <= maxHierarchyDepth && level.length > 0; depth++) {
    const next = level.flatMap((parent) => children.get(parent) ?? []).filter((child) => !seen.has(child));
    level = [...new Set(next)].sort(compareText);
    for (const child of level) seen.add(child);
    inScope.push(...level);
  }
  return inScope;
}

/**
 * Each account's children, built once per list of accounts: the oracle asks for the scope of every account of the
 * same list (with 100k accounts, rebuilding it per group took the full bench's oracle check past ten minutes).
 */
const childrenByList = new WeakMap<readonly HierarchyAccount[], ReadonlyMap<string, readonly string[]>>();

function childrenOf(accounts: readonly HierarchyAccount[]): ReadonlyMap<string, readonly string[]> {
  let children = childrenByList.get(accounts);
  if (children) return children;
  const built = new Map<string, string[]>();
  for (const account of accounts) {
    if (account.parentAccountId == null) continue;
    const siblings = built.get(account.parentAccountId);
    if (siblings) siblings.push(account.accountId);
    else built.set(account.parentAccountId, [account.accountId]);
  }
  children = built;
  childrenByList.set(accounts, children);
  return children;
}

/**
 * SQL form of `accountsInScope` over a table `accounts (account_id, parent_account_id, deleted)`: for each root in
 * `$1::text[]`, rows `(root, account_id)` in scope order, the root first.
 */
export const scopeQuery = `WITH RECURSIVE tree (root, account_id, depth, path) AS (
    SELECT r.root, r.root, 0, ARRAY[r.root] FROM unnest($1::text[]) AS r(root)
    UNION ALL
    SELECT t.root, a.account_id, t.depth + 1, t.path || a.account_id
    FROM tree t JOIN accounts a ON a.parent_account_id = t.account_id
    WHERE NOT a.deleted AND NOT (a.account_id = ANY(t.path)) AND t.depth < ${maxHierarchyDepth}
  )
  SELECT root, account_id FROM tree GROUP BY root, account_id ORDER BY root, min(depth), account_id COLLATE "C"`;

/**
 * The converse of `scopeQuery`: for each account in `$1::text[]`, rows `(start_id, account_id)` naming the live
 * ancestors whose roll-up scope holds it (or, for a deleted account, held it), nearest first — the walk up stops at a
 * deleted account, and at `maxHierarchyDepth` levels.
 */
export const ancestorsQuery = `WITH RECURSIVE chain (start_id, account_id, depth, path) AS (
    SELECT a.account_id, a.parent_account_id, 1, ARRAY[a.account_id]
    FROM accounts a WHERE a.account_id = ANY($1::text[]) AND a.parent_account_id IS NOT NULL
    UNION ALL
    SELECT c.start_id, a.parent_account_id, c.depth + 1, c.path || a.account_id
    FROM chain c JOIN accounts a ON a.account_id = c.account_id
    WHERE a.parent_account_id IS NOT NULL AND NOT a.deleted AND NOT (a.account_id = ANY(c.path))
      AND c.depth < ${maxHierarchyDepth}
  )
  SELECT c.start_id, c.account_id FROM chain c JOIN accounts a ON a.account_id = c.account_id AND NOT a.deleted
  WHERE NOT (c.account_id = ANY(c.path))
  ORDER BY c.start_id, c.depth`;

/** Groups `(key, account_id)` rows, in their order, by key; every key asked for is present. */
export function groupRows<K extends string>(
  keys: readonly string[],
  rows: readonly ({ account_id: string } & Record<K, string>)[],
  key: K,
): Map<string, string[]> {
  const result = new Map(keys.map((k) => [k, [] as string[]]));
  for (const row of rows) result.get(row[key])?.push(row.account_id);
  return result;
}
