import type { AccountChanged, BuyingGroupChanged, PersonChanged } from '@bg/contracts';
import type { Queryable } from '@bg/postgres';
import { groupRowOf } from '../domain/group-summary';

/** Every version goes to history, once, whatever order versions arrive in (one statement for the chunk). */
export async function insertHistory(db: Queryable, snapshots: readonly BuyingGroupChanged[]): Promise<void> {
  if (snapshots.length === 0) return;
  await db.query(
    `INSERT INTO buying_group_history (account_id, buying_group_id, version, event, computed_at)
     SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::jsonb[], $5::timestamptz[])
     ON CONFLICT ON CONSTRAINT buying_group_history_pkey DO NOTHING`,
    [
      snapshots.map((s) => s.accountId),
      snapshots.map((s) => s.buyingGroupId),
      snapshots.map((s) => s.version),
      snapshots.map((s) => JSON.stringify(s)),
      snapshots.map((s) => s.computedAt),
    ],
  );
}

/** Stores the snapshot when it is newer than the one held; returns whether it was. */
export async function saveLatestSnapshot(db: Queryable, snapshot: BuyingGroupChanged): Promise<boolean> {
  const row = groupRowOf(snapshot);
  const result = await db.query(
    `INSERT INTO buying_groups (account_id, buying_group_id, solution_interest_id, name, version, status, completeness,
                                engagement, missing_roles, member_count, snapshot, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
     ON CONFLICT ON CONSTRAINT buying_groups_pkey DO UPDATE
       SET solution_interest_id = EXCLUDED.solution_interest_id, name = EXCLUDED.name, version = EXCLUDED.version,
           status = EXCLUDED.status, completeness = EXCLUDED.completeness, engagement = EXCLUDED.engagement,
           missing_roles = EXCLUDED.missing_roles, member_count = EXCLUDED.member_count, snapshot = EXCLUDED.snapshot,
           updated_at = EXCLUDED.updated_at
       WHERE buying_groups.version < EXCLUDED.version`,
    [
      row.accountId,
      row.buyingGroupId,
      row.solutionInterestId,
      row.name,
      row.version,
      row.status,
      row.completeness,
      row.engagement,
      row.missingRoles,
      row.memberCount,
      JSON.stringify(snapshot),
      row.updatedAt,
    ],
  );
  return result.rowCount === 1;
}

/** The member index of a group (members and removed members) follows its latest snapshot. */
export async function replaceMemberIndex(db: Queryable, snapshot: BuyingGroupChanged): Promise<void> {
  await db.query('DELETE FROM buying_group_members WHERE account_id = $1 AND buying_group_id = $2', [
    snapshot.accountId,
    snapshot.buyingGroupId,
  ]);
  const entries = [
    ...snapshot.members.map((m) => ({
      personId: m.personId,
      role: m.role,
      source: m.source,
      removed: false,
      at: m.since,
    })),
    ...snapshot.removedMembers
      .filter((r) => !snapshot.members.some((m) => m.personId === r.personId))
      .map((r) => ({ personId: r.personId, role: r.role, source: r.source, removed: true, at: r.removedAt })),
  ];
  if (entries.length === 0) return;
  await db.query(
    `INSERT INTO buying_group_members (account_id, buying_group_id, person_id, role, source, removed, changed_at)
     SELECT $1, $2, * FROM unnest($3::text[], $4::text[], $5::text[], $6::boolean[], $7::timestamptz[])
     ON CONFLICT ON CONSTRAINT buying_group_members_pkey DO NOTHING`,
    [
      snapshot.accountId,
      snapshot.buyingGroupId,
      entries.map((e) => e.personId),
      entries.map((e) => e.role),
      entries.map((e) => e.source),
      entries.map((e) => e.removed),
      entries.map((e) => e.at),
    ],
  );
}

/** An account as of its latest change; a deletion keeps the last known data as a tombstone. Older changes do nothing. */
export async function applyAccountChange(db: Queryable, change: AccountChanged): Promise<void> {
  const { account } = change;
  if (account === null) {
    await db.query('UPDATE accounts SET deleted = true, updated_at = $2 WHERE account_id = $1 AND updated_at < $2', [
      change.accountId,
      change.changedAt,
    ]);
    return;
  }
  await db.query(
    `INSERT INTO accounts (account_id, parent_account_id, name, data, deleted, updated_at) VALUES ($1, $2, $3, $4, false, $5)
     ON CONFLICT ON CONSTRAINT accounts_pkey DO UPDATE
       SET parent_account_id = EXCLUDED.parent_account_id, name = EXCLUDED.name, data = EXCLUDED.data,
           deleted = false, updated_at = EXCLUDED.updated_at
       WHERE accounts.updated_at < EXCLUDED.updated_at`,
    [account.accountId, account.parentAccountId ?? null, account.name, JSON.stringify(account), change.changedAt],
  );
}

/**
 * A person's data and its link to one account (one change per account the person joined, stayed in or left), applied
 * only when newer than the last change of that link.
 */
export async function applyPersonChange(db: Queryable, change: PersonChanged): Promise<void> {
  const { accountId, personId, person } = change;
  const fresh = await db.query(
    `INSERT INTO person_link_times (account_id, person_id, changed_at) VALUES ($1, $2, $3)
     ON CONFLICT ON CONSTRAINT person_link_times_pkey DO UPDATE SET changed_at = EXCLUDED.changed_at
       WHERE person_link_times.changed_at < EXCLUDED.changed_at`,
    [accountId, personId, change.changedAt],
  );
  if (fresh.rowCount !== 1) return;
  if (change.change === 'left' || change.change === 'deleted') {
    await db.query('DELETE FROM person_accounts WHERE account_id = $1 AND person_id = $2', [accountId, personId]);
    if (change.change === 'deleted')
      await db.query('UPDATE persons SET deleted = true, updated_at = $2 WHERE person_id = $1 AND updated_at < $2', [
        personId,
        change.changedAt,
      ]);
    return;
  }
  if (person !== null) {
    await db.query(
      `INSERT INTO persons (person_id, email, data, deleted, updated_at) VALUES ($1, $2, $3, false, $4)
       ON CONFLICT ON CONSTRAINT persons_pkey DO UPDATE
         SET email = EXCLUDED.email, data = EXCLUDED.data, deleted = false, updated_at = EXCLUDED.updated_at
         WHERE persons.updated_at < EXCLUDED.updated_at`,
      [personId, person.email ?? null, JSON.stringify(person), change.changedAt],
    );
  }
  await db.query(
    `INSERT INTO person_accounts (account_id, person_id, relationship) VALUES ($1, $2, $3)
     ON CONFLICT ON CONSTRAINT person_accounts_pkey DO UPDATE SET relationship = EXCLUDED.relationship`,
    [accountId, personId, change.relationship ?? 'unknown'],
  );
}
