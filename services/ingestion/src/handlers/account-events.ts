import {
  internalEventTypes,
  type AccountChanged,
  type AccountDeleted,
  type AccountUpserted,
  type Cause,
} from '@bg/contracts';
import type { OutboxMessage, Queryable } from '@bg/postgres';
import { lockAccounts, saveAccounts } from '../db/records';
import { isNewer, latestPerRecord } from '../domain/versioning';
import { recordChange } from './emit';

export type AccountEvent = { cause: Cause } & (
  { kind: 'upsert'; account: AccountUpserted } | { kind: 'delete'; deleted: AccountDeleted }
);

const accountIdOf = (e: AccountEvent) => (e.kind === 'upsert' ? e.account.accountId : e.deleted.accountId);
const timeOf = (e: AccountEvent) => (e.kind === 'upsert' ? e.account.updatedAt : e.deleted.deletedAt);

/** Stores accounts; each change carries the previous parent so that hierarchy moves reach both sides. */
export async function applyAccountEvents(db: Queryable, events: AccountEvent[]): Promise<OutboxMessage[]> {
  const latest = latestPerRecord(events, accountIdOf, timeOf);
  const stored = await lockAccounts(db, latest.map(accountIdOf).sort());
  const applied = latest.filter((e) => isNewer(timeOf(e), stored.get(accountIdOf(e))?.updatedAt ?? null));
  await saveAccounts(
    db,
    applied.map((e) => ({
      accountId: accountIdOf(e),
      data: e.kind === 'upsert' ? e.account : null,
      updatedAt: timeOf(e),
    })),
  );
  return applied.flatMap((e) => {
    const accountId = accountIdOf(e);
    const before = stored.get(accountId);
    // Deleting an unknown or already deleted account leaves a tombstone and tells no one.
    if (e.kind === 'delete' && (!before || before.deleted)) return [];
    const data: AccountChanged = {
      accountId,
      account: e.kind === 'upsert' ? e.account : null,
      previousParentAccountId: before?.parentAccountId ?? null,
      changedAt: timeOf(e),
      cause: e.cause,
    };
    return [recordChange(accountId, e.cause, internalEventTypes.accountChanged, data)];
  });
}
