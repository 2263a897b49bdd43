import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountsInScope, maxHierarchyDepth, type HierarchyAccount } from '@bg/rules';
import { createPool, type Pool } from '@bg/postgres';
import { createLogger } from '@bg/service-kit';
import { createTestContext, seededRandom } from '@bg/testing';
import { roleAssignmentSchema } from '../../src/app';
import { ancestorsOfMany, scopesOfMany } from '../../src/db/state';

/*
 * The descendant-scope rule has a pure form (the oracle's, the tests') and a SQL form (the services'). Over generated
 * forests — deletions in the middle, parent cycles, a chain deeper than the depth bound — both must give the same
 * scopes, and the ancestors query must be their exact converse.
 */

let pool: Pool;

beforeAll(async () => {
  const { databaseUrl } = await createTestContext();
  pool = createPool(databaseUrl, { schema: roleAssignmentSchema, logger: createLogger('test', 'silent') });
});
afterAll(async () => pool.end());

type Account = HierarchyAccount & { deleted: boolean };

async function store(accounts: Account[]): Promise<void> {
  await pool.query('TRUNCATE accounts');
  await pool.query(
    `INSERT INTO accounts (account_id, parent_account_id, data, deleted, updated_at)
     SELECT id, parent, '{}', deleted, now() FROM unnest($1::text[], $2::text[], $3::boolean[]) AS r(id, parent, deleted)`,
    [accounts.map((a) => a.accountId), accounts.map((a) => a.parentAccountId ?? null), accounts.map((a) => a.deleted)],
  );
}

async function expectBothFormsAgree(accounts: Account[]): Promise<void> {
  await store(accounts);
  const ids = accounts.map((a) => a.accountId);
  const live = accounts.filter((a) => !a.deleted);
  const scopes = await scopesOfMany(pool, ids);
  for (const id of ids)
    expect(scopes.get(id), `scope of ${id}`).toEqual(accountsInScope(id, 'account-and-descendants', live));
  // The converse: a is an ancestor of d exactly when d is (a deleted d: was, while live) in the scope of a live a.
  const ancestors = await ancestorsOfMany(pool, ids);
  for (const account of accounts) {
    const d = account.accountId;
    const world = account.deleted ? [...live, account] : live;
    const expected = live
      .filter((a) => a.accountId !== d && accountsInScope(a.accountId, 'account-and-descendants', world).includes(d))
      .map((a) => a.accountId);
    expect([...ancestors.get(d)!].sort(), `ancestors of ${d}`).toEqual(expected.sort());
  }
}

describe('the descendant-scope rule, pure and in SQL', () => {
  it('agree on generated forests with deletions and cycles', async () => {
    const random = seededRandom(20261130);
    for (let round = 0; round < 25; round++) {
      const size = 5 + Math.floor(random() * 25);
      const accounts: Account[] = Array.from({ length: size }, (_, i) => ({
        accountId: `a${String(i).padStart(2, '0')}`,
        parentAccountId: null,
        deleted: random() < 0.15,
      }));
      for (const account of accounts) {
        // Mostly a tree (parents earlier in the list), sometimes any account (cycles), sometimes a missing one.
        const r = random();
        const index = Math.floor(random() * accounts.length);
        if (r < 0.6 && accounts.indexOf(account) > 0)
          account.parentAccountId = accounts[Math.floor(random() * accounts.indexOf(account))]!.accountId;
        else if (r < 0.75) account.parentAccountId = accounts[index]!.accountId;
        else if (r < 0.8) account.parentAccountId = 'missing';
      }
      await expectBothFormsAgree(accounts);
    }
  });

  it('agree on a chain deeper than the depth bound, and stop at it', async () => {
    const depth = maxHierarchyDepth + 6;
    const chain: Account[] = Array.from({ length: depth + 1 }, (_, i) => ({
      accountId: `c${String(i).padStart(3, '0')}`,
      parentAccountId: i === 0 ? null : `c${String(i - 1).padStart(3, '0')}`,
      deleted: false,
    }));
    await expectBothFormsAgree(chain);
    const scope = (await scopesOfMany(pool, ['c000'])).get('c000')!;
    expect(scope).toHaveLength(maxHierarchyDepth + 1);
    expect(scope.at(-1)).toBe(`c${String(maxHierarchyDepth).padStart(3, '0')}`);
  });

  it('cuts the subtree of a deleted account off from every ancestor, and the deleted account keeps its chain', async () => {
    const accounts: Account[] = [
      { accountId: 'top', parentAccountId: null, deleted: false },
      { accountId: 'mid', parentAccountId: 'top', deleted: true },
      { accountId: 'leaf', parentAccountId: 'mid', deleted: false },
    ];
    await expectBothFormsAgree(accounts);
    expect((await scopesOfMany(pool, ['top'])).get('top')).toEqual(['top']);
    expect((await scopesOfMany(pool, ['leaf'])).get('leaf')).toEqual(['leaf']);
    // The deleted account's former ancestors are what its deletion must recompute.
    expect((await ancestorsOfMany(pool, ['mid', 'leaf'])).get('mid')).toEqual(['top']);
    expect((await ancestorsOfMany(pool, ['leaf'])).get('leaf')).toEqual([]);
  });
});
