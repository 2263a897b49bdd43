import type { AccountUpserted, PersonUpserted } from '@bg/contracts';
import type { Queryable } from '@bg/postgres';
import { linkKey, type RecordWrites } from '../domain/record-changes';

/**
 * A chunk's account writes in two statements: the newest data of each account, then the deletions (tombstones keep
 * the last known data). Each row changes only when the write is newer than the row.
 */
export async function writeAccounts(db: Queryable, writes: RecordWrites<AccountUpserted>): Promise<void> {
  const { upserts, deletions } = writes;
  if (upserts.length > 0) {
    await db.query(
      `INSERT INTO accounts (account_id, parent_account_id, name, data, deleted, updated_at)
       SELECT account_id, parent_account_id, name, data, false, updated_at
       FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[], $5::timestamptz[])
         AS a (account_id, parent_account_id, name, data, updated_at)
       ON CONFLICT ON CONSTRAINT accounts_pkey DO UPDATE
         SET parent_account_id = EXCLUDED.parent_account_id, name = EXCLUDED.name, data = EXCLUDED.data,
             deleted = false, updated_at = EXCLUDED.updated_at
         WHERE accounts.updated_at < EXCLUDED.updated_at`,
      [
        upserts.map((u) => u.id),
        upserts.map((u) => u.data.parentAccountId ?? null),
        upserts.map((u) => u.data.name),
        upserts.map((u) => JSON.stringify(u.data)),
        upserts.map((u) => u.changedAt),
      ],
    );
  }
  if (deletions.length > 0) {
    await db.query(
      `UPDATE accounts a SET deleted = true, updated_at = d.changed_at
       FROM unnest($1::text[], $2::timestamptz[]) AS d (account_id, changed_at)
       WHERE a.account_id = d.account_id AND a.updated_at < d.changed_at`,
      [deletions.map((d) => d.id), deletions.map((d) => d.changedAt)],
    );
  }
}

/**
 * Moves each link's time to its newest change where that is newer (one statement); returns the links that moved,
 * by `linkKey`, with the time each had before (null for a link not seen yet): only changes after it count.
 */
export async function advanceLinkTimes(
  db: Queryable,
  links: readonly { accountId: string; personId: string; changedAt: string }[],
): Promise<Map<string, string | null>> {
  if (links.length === 0) return new Map();
  const { rows } = await db.query<{ account_id: string; person_id: string; before: Date | null }>(
    `WITH incoming AS (
       SELECT i.account_id, i.person_id, i.changed_at, t.changed_at AS before
       FROM unnest($1::text[], $2::text[], $3::timestamptz[]) AS i (account_id, person_id, changed_at)
       LEFT JOIN person_link_times t USING (account_id, person_id)
       WHERE t.changed_at IS NULL OR t.changed_at < i.changed_at),
     moved AS (
       INSERT INTO person_link_times (account_id, person_id, changed_at)
       SELECT account_id, person_id, changed_at FROM incoming
       ON CONFLICT ON CONSTRAINT person_link_times_pkey DO UPDATE SET changed_at = EXCLUDED.changed_at
         WHERE person_link_times.changed_at < EXCLUDED.changed_at
       RETURNING account_id, person_id)
     SELECT i.account_id, i.person_id, i.before FROM incoming i JOIN moved m USING (account_id, person_id)`,
    [links.map((l) => l.accountId), links.map((l) => l.personId), links.map((l) => l.changedAt)],
  );
  return new Map(
    rows.map((row) => [
      linkKey({ accountId: row.account_id, personId: row.person_id }),
      row.before === null ? null : row.before.toISOString(),
    ]),
  );
}

/** Links ended (left or deleted) and links made or changed: one statement each. */
export async function writeLinks(
  db: Queryable,
  unlinked: readonly { accountId: string; personId: string }[],
  linked: readonly { accountId: string; personId: string; relationship: string }[],
): Promise<void> {
  if (unlinked.length > 0) {
    await db.query(
      `DELETE FROM person_accounts pa USING unnest($1::text[], $2::text[]) AS d (account_id, person_id)
       WHERE pa.account_id = d.account_id AND pa.person_id = d.person_id`,
      [unlinked.map((l) => l.accountId), unlinked.map((l) => l.personId)],
    );
  }
  if (linked.length > 0) {
    await db.query(
      `INSERT INTO person_accounts (account_id, person_id, relationship)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[])
       ON CONFLICT ON CONSTRAINT person_accounts_pkey DO UPDATE SET relationship = EXCLUDED.relationship
         WHERE person_accounts.relationship IS DISTINCT FROM EXCLUDED.relationship`,
      [linked.map((l) => l.accountId), linked.map((l) => l.personId), linked.map((l) => l.relationship)],
    );
  }
}

/** A chunk's person writes in two statements, like the accounts': newest data, then deletions (tombstones). */
export async function writePersons(db: Queryable, writes: RecordWrites<PersonUpserted>): Promise<void> {
  const { upserts, deletions } = writes;
  if (upserts.length > 0) {
    await db.query(
      `INSERT INTO persons (person_id, email, data, deleted, updated_at)
       SELECT person_id, email, data, false, updated_at
       FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::timestamptz[]) AS p (person_id, email, data, updated_at)
       ON CONFLICT ON CONSTRAINT persons_pkey DO UPDATE
         SET email = EXCLUDED.email, data = EXCLUDED.data, deleted = false, updated_at = EXCLUDED.updated_at
         WHERE persons.updated_at < EXCLUDED.updated_at`,
      [
        upserts.map((u) => u.id),
        upserts.map((u) => u.data.email ?? null),
        upserts.map((u) => JSON.stringify(u.data)),
        upserts.map((u) => u.changedAt),
      ],
    );
  }
  if (deletions.length > 0) {
    await db.query(
      `UPDATE persons p SET deleted = true, updated_at = d.changed_at
       FROM unnest($1::text[], $2::timestamptz[]) AS d (person_id, changed_at)
       WHERE p.person_id = d.person_id AND p.updated_at < d.changed_at`,
      [deletions.map((d) => d.id), deletions.map((d) => d.changedAt)],
    );
  }
}
