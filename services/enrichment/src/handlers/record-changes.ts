import type { AccountChanged, PersonChanged } from '@bg/contracts';
import type { Queryable } from '@bg/postgres';
import { deleteAccount, saveAccount, saveAccountPerson, unlinkAccountPerson } from '../db/projection';

/** The person as now linked to the account; gone from the account when it left it or was deleted. */
export async function applyPersonChanged(db: Queryable, change: PersonChanged): Promise<void> {
  if (change.person === null) await unlinkAccountPerson(db, change.accountId, change.personId, change.changedAt);
  else await saveAccountPerson(db, change.accountId, change.relationship, change.person, change.changedAt);
}

/** Only what names the account to a provider is kept: its name and web domain. */
export async function applyAccountChanged(db: Queryable, change: AccountChanged): Promise<void> {
  if (change.account === null) {
    await deleteAccount(db, change.accountId, change.changedAt);
    return;
  }
  const { accountId, name, domain } = change.account;
  await saveAccount(db, { accountId, name, domain: domain?.trim() || null, changedAt: change.changedAt });
}
