import { describe, expect, it } from 'vitest';
import { accountsInScope } from '../../src/hierarchy';

// corp ─┬─ div-b ─┬─ dep-z
//       │         └─ dep-a
//       └─ div-a ─── dep-m ─── team-1
const accounts = [
  { accountId: 'corp', parentAccountId: null },
  { accountId: 'div-b', parentAccountId: 'corp' },
  { accountId: 'div-a', parentAccountId: 'corp' },
  { accountId: 'dep-z', parentAccountId: 'div-b' },
  { accountId: 'dep-a', parentAccountId: 'div-b' },
  { accountId: 'dep-m', parentAccountId: 'div-a' },
  { accountId: 'team-1', parentAccountId: 'dep-m' },
  { accountId: 'elsewhere' },
];

describe('accountsInScope', () => {
  it('is the account alone for the account scope', () => {
    expect(accountsInScope('corp', 'account', accounts)).toEqual(['corp']);
  });

  it('adds every descendant, nearest level first and each level by accountId', () => {
    expect(accountsInScope('corp', 'account-and-descendants', accounts)).toEqual([
      'corp',
      'div-a',
      'div-b',
      'dep-a',
      'dep-m',
      'dep-z',
      'team-1',
    ]);
    expect(accountsInScope('div-a', 'account-and-descendants', accounts)).toEqual(['div-a', 'dep-m', 'team-1']);
    expect(accountsInScope('team-1', 'account-and-descendants', accounts)).toEqual(['team-1']);
  });

  it('loses the subtree of an account that is no longer there', () => {
    const withoutDivA = accounts.filter((account) => account.accountId !== 'div-a');
    expect(accountsInScope('corp', 'account-and-descendants', withoutDivA)).toEqual([
      'corp',
      'div-b',
      'dep-a',
      'dep-z',
    ]);
  });

  it('walks a parent cycle only once', () => {
    const cycle = [
      { accountId: 'x', parentAccountId: 'y' },
      { accountId: 'y', parentAccountId: 'x' },
    ];
    expect(accountsInScope('x', 'account-and-descendants', cycle)).toEqual(['x', 'y']);
  });
});
