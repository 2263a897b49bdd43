import type { AccountChanged, PersonChanged } from '@bg/contracts';
import type { Queryable } from '@bg/postgres';
import { deleteAccount, deleteAccountPerson, saveAccount, saveAccountPerson } from '../db/projection';

/** The person as now linked to the account; gone from the account when it left it or was deleted. */
export async function applyPersonChanged(db: Queryable, change: PersonChanged): Promise<void> {
  if (change.person === null) await deleteAccountPerson(db, change.accountId, change.personId);
  else await saveAccountPerson(db, change.accountId, change.relationship, change.person);
}

/** Only what names the account to a provider is kept: its name and web domain. */
export async function applyAccountChanged(db: Queryable, change: AccountChanged): Promise<void> {
  if (change.account === null) {
    await deleteAccount(db, change.accountId);
    return;
  }
  const { accountId, name, domain, updatedAt } = change.account;
  await saveAccount(db, { accountId, name, domain: domain?.trim() || null, updatedAt });
}
