import { internalEventTypes, type AccountChanged, type AccountDeleted, type AccountUpserted, type Cause } from '@bg/contracts';
import type { OutboxMessage, Queryable } from '@bg/postgres';
import { lockAccount, markAccountDeleted, saveAccount } from '../db/records';
import { isNewer } from '../domain/versioning';
import { recordChange } from './emit';

/** Stores the account; the change carries the previous parent so hierarchy moves reach both sides. */
export async function applyAccountUpserted(db: Queryable, account: AccountUpserted, cause: Cause): Promise<OutboxMessage[]> {
  const stored = await lockAccount(db, account.accountId);
  if (!isNewer(account.updatedAt, stored?.updatedAt ?? null)) return [];
  await saveAccount(db, account);
  const data: AccountChanged = {
    accountId: account.accountId,
    account,
    previousParentAccountId: stored?.parentAccountId ?? null,
    cause,
  };
  return [recordChange(internalEventTypes.accountChanged, account.accountId, cause, data)];
}

export async function applyAccountDeleted(db: Queryable, deleted: AccountDeleted, cause: Cause): Promise<OutboxMessage[]> {
  const stored = await lockAccount(db, deleted.accountId);
  if (!isNewer(deleted.deletedAt, stored?.updatedAt ?? null)) return [];
  await markAccountDeleted(db, deleted.accountId, deleted.deletedAt);
  if (!stored || stored.deleted) return [];
  const data: AccountChanged = { accountId: deleted.accountId, account: null, previousParentAccountId: stored.parentAccountId, cause };
  return [recordChange(internalEventTypes.accountChanged, deleted.accountId, cause, data)];
}
