import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, type Pool } from '@bg/postgres';
import { createLogger } from '@bg/service-kit';
import { createTestContext } from '@bg/testing';
import { roleAssignmentSchema } from '../../src/app';
import { accountPage, type PageLimit } from '../../src/db/jobs';
import { saveAccounts, savePersonLinks } from '../../src/db/state';

/*
 * A recompute job's page is bounded by accounts and by the linked people they hold: the accounts are skewed, and a
 * page of a fixed number of them could hold a hundred thousand people at full scale.
 */

const logger = createLogger('test', 'silent');
const at = '2026-12-03T09:00:00.000Z';
let pool: Pool;

/** Accounts a..f holding these numbers of linked people; e is deleted, and b also has two unlinked (left) people. */
const held: Record<string, number> = { a: 3, b: 2, c: 6, d: 1, e: 2, f: 0 };

beforeAll(async () => {
  const { databaseUrl } = await createTestContext();
  pool = createPool(databaseUrl, { schema: roleAssignmentSchema, applicationName: 'test', logger, max: 2 });
  await saveAccounts(
    pool,
    Object.keys(held).map((accountId) => ({
      accountId,
      data: accountId === 'e' ? null : { accountId, name: accountId, productsOwned: [], attributes: {}, updatedAt: at },
      changedAt: at,
    })),
  );
  const person = (personId: string) => ({ personId, accounts: [], attributes: {}, updatedAt: at });
  await savePersonLinks(pool, [
    ...Object.entries(held).flatMap(([accountId, n]) =>
      Array.from({ length: n }, (_, i) => ({
        accountId,
        personId: `${accountId}${i}`,
        link: { relationship: 'employee', person: person(`${accountId}${i}`) },
        changedAt: at,
      })),
    ),
    ...['bx', 'by'].map((personId) => ({ accountId: 'b', personId, link: null, changedAt: at })),
  ]);
});

afterAll(async () => {
  await pool.end();
});

/** Every page of a whole walk, as the job takes them. */
async function pages(limit: PageLimit): Promise<string[][]> {
  const walk: string[][] = [];
  for (let after: string | null = null; ;) {
    const page = await accountPage(pool, after, limit);
    if (page.length === 0) return walk;
    walk.push(page);
    after = page.at(-1)!;
  }
}

describe('a recompute job’s page of accounts', () => {
  it('stops once the accounts taken hold the people budget; an account above it makes a page alone', async () => {
    // a (3) + b (2, its unlinked people not counted) reach 5; c (6) alone exceeds it; d + e + f (1 + 2 + 0) stay under.
    expect(await pages({ accounts: 100, people: 5 })).toEqual([['a', 'b'], ['c'], ['d', 'e', 'f']]);
    expect(await pages({ accounts: 100, people: 4 })).toEqual([['a', 'b'], ['c'], ['d', 'e', 'f']]);
    expect(await pages({ accounts: 100, people: 3 })).toEqual([['a'], ['b', 'c'], ['d', 'e'], ['f']]);
  });

  it('takes at most the number of accounts asked, deleted accounts included (their groups must dissolve)', async () => {
    expect(await pages({ accounts: 2, people: 1_000 })).toEqual([
      ['a', 'b'],
      ['c', 'd'],
      ['e', 'f'],
    ]);
  });
});
