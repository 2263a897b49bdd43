import type { AccountChanged, PersonChanged } from '@bg/contracts';
import type { Queryable } from '@bg/postgres';
import { saveAccountPersons, saveAccounts } from '../db/projection';
import { foldAccountChanges, foldPersonChanges } from '../domain/record-fold';

/**
 * A chunk's record changes, folded per record and written with one statement per table whatever the chunk's size,
 * leaving what applying them one by one would. Only what names an account to a provider is kept (name, web domain),
 * and the people as linked to each account.
 */
export async function applyRecordChanges(
  db: Queryable,
  changes: { persons: readonly PersonChanged[]; accounts: readonly AccountChanged[] },
): Promise<void> {
  await saveAccountPersons(db, foldPersonChanges(changes.persons));
  await saveAccounts(db, foldAccountChanges(changes.accounts));
}
