import { personUpsertedSchema, type PersonUpserted } from '@bg/contracts';
import type { Queryable } from '@bg/postgres';
import type { AccountWrite, PersonLinkWrite } from '../domain/record-fold';

export type AccountRef = { accountId: string; name: string; domain: string | null };

/*
 * A chunk's changes are written with one statement per table: rows stored when the statement began are updated, the
 * others inserted. The consumer of an account's partition is the only writer of its rows, so a row appears meanwhile
 * only if partitions move between consumers mid-chunk; such a row then takes the chunk's result if that is newer.
 */

/**
 * Applies a chunk's account changes, folded per account, in one statement. A stored account older than the newest
 * change takes it (a deleted one keeps its name unless the chunk brings a newer one); an account not stored yet is
 * inserted, a deleted one as a tombstone with its time, so that an older change arriving late cannot revive it.
 */
export async function saveAccounts(db: Queryable, writes: readonly AccountWrite[]): Promise<void> {
  if (writes.length === 0) return;
  await db.query(
    `WITH change AS (
       SELECT * FROM jsonb_to_recordset($1::jsonb)
         AS c(account_id text, changed_at timestamptz, deleted boolean, name text, domain text, named_at timestamptz)
     ), updated AS (
       UPDATE accounts SET deleted = c.deleted, updated_at = c.changed_at,
         name = CASE WHEN c.named_at > accounts.updated_at THEN c.name ELSE accounts.name END,
         domain = CASE WHEN c.named_at > accounts.updated_at THEN c.domain ELSE accounts.domain END
       FROM change c
       WHERE accounts.account_id = c.account_id AND accounts.updated_at < c.changed_at
     )
     INSERT INTO accounts (account_id, name, domain, updated_at, deleted)
     SELECT c.account_id, COALESCE(c.name, ''), c.domain, c.changed_at, c.deleted FROM change c
     WHERE NOT EXISTS (SELECT FROM accounts a WHERE a.account_id = c.account_id)
     ORDER BY c.account_id
     ON CONFLICT ON CONSTRAINT accounts_pkey DO UPDATE SET name = EXCLUDED.name, domain = EXCLUDED.domain,
       updated_at = EXCLUDED.updated_at, deleted = EXCLUDED.deleted
     WHERE accounts.updated_at < EXCLUDED.updated_at`,
    [
      JSON.stringify(
        writes.map((w) => ({
          account_id: w.accountId,
          changed_at: w.changedAt,
          deleted: w.deleted,
          name: w.named?.name ?? null,
          domain: w.named?.domain ?? null,
          named_at: w.named?.changedAt ?? null,
        })),
      ),
    ],
  );
}

export async function findAccount(db: Queryable, accountId: string): Promise<AccountRef | null> {
  const { rows } = await db.query<{ name: string; domain: string | null }>(
    'SELECT name, domain FROM accounts WHERE account_id = $1 AND NOT deleted',
    [accountId],
  );
  const row = rows[0];
  return row ? { accountId, name: row.name, domain: row.domain } : null;
}

/**
 * Applies a chunk's person changes, folded per (account, person), in one statement. A stored link older than the
 * newest change takes it: the newest person when linked; when ended, the person as last seen, which is the chunk's
 * last link if newer than the stored row. An ended link stays as a tombstone with its time, so that an older link
 * arriving late cannot return; the end of a link never stored leaves nothing.
 */
export async function saveAccountPersons(db: Queryable, writes: readonly PersonLinkWrite[]): Promise<void> {
  if (writes.length === 0) return;
  await db.query(
    `WITH change AS (
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS c(account_id text, person_id text, changed_at timestamptz,
         linked boolean, relationship text, person jsonb, linked_at timestamptz, created_relationship text,
         created_person jsonb, created_linked boolean, created_at timestamptz)
     ), updated AS (
       UPDATE account_persons ap SET linked = c.linked, updated_at = c.changed_at,
         relationship = CASE WHEN c.linked_at > ap.updated_at THEN c.relationship ELSE ap.relationship END,
         person = CASE WHEN c.linked_at > ap.updated_at THEN c.person ELSE ap.person END
       FROM change c
       WHERE ap.account_id = c.account_id AND ap.person_id = c.person_id AND ap.updated_at < c.changed_at
     )
     INSERT INTO account_persons (account_id, person_id, relationship, person, updated_at, linked)
     SELECT c.account_id, c.person_id, c.created_relationship, COALESCE(c.created_person, c.person), c.created_at,
       c.created_linked
     FROM change c
     WHERE c.created_at IS NOT NULL
       AND NOT EXISTS (SELECT FROM account_persons ap WHERE ap.account_id = c.account_id AND ap.person_id = c.person_id)
     ORDER BY c.account_id, c.person_id
     ON CONFLICT ON CONSTRAINT account_persons_pkey DO UPDATE SET relationship = EXCLUDED.relationship,
       person = EXCLUDED.person, updated_at = EXCLUDED.updated_at, linked = EXCLUDED.linked
     WHERE account_persons.updated_at < EXCLUDED.updated_at`,
    [
      JSON.stringify(
        writes.map((w) => ({
          account_id: w.accountId,
          person_id: w.personId,
          changed_at: w.changedAt,
          linked: w.linked,
          relationship: w.link?.relationship ?? null,
          person: w.link?.person ?? null,
          linked_at: w.link?.changedAt ?? null,
          created_relationship: w.created?.relationship ?? null,
          // Mostly the same person as the last link: sent once.
          created_person: w.created && w.created.person !== w.link?.person ? w.created.person : null,
          created_linked: w.created?.linked ?? null,
          created_at: w.created?.changedAt ?? null,
        })),
      ),
    ],
  );
}

export async function accountPersons(db: Queryable, accountId: string): Promise<PersonUpserted[]> {
  const { rows } = await db.query<{ person: unknown }>(
    'SELECT person FROM account_persons WHERE account_id = $1 AND linked ORDER BY person_id',
    [accountId],
  );
  return rows.map((r) => personUpsertedSchema.parse(r.person));
}
