import type { AccountUpserted, PersonEngagementChanged, PersonUpserted, SolutionInterestDefined } from '@bg/contracts';
import type { Queryable } from '@bg/postgres';
import { ancestorsQuery, groupRows, scopeQuery, type MemberOverride, type OverrideSource } from '@bg/rules';
import type { ScopedPerson } from '../domain/group-state';

/**
 * Role-assignment's own view of the world, fed by internal events. Every write is conditional on the source's time
 * (or the component revision), so applying an event twice, or an older one after a newer one, changes nothing.
 */

export type StoredInterest = SolutionInterestDefined;

/** Saves a definition when newer than the stored one; returns whether it was. */
export async function saveSolutionInterest(db: Queryable, definition: SolutionInterestDefined): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO solution_interests (solution_interest_id, definition, deleted, revision, updated_at) VALUES ($1, $2, false, $3, now())
     ON CONFLICT ON CONSTRAINT solution_interests_pkey DO UPDATE
       SET definition = EXCLUDED.definition, deleted = false, revision = EXCLUDED.revision, updated_at = now()
       WHERE solution_interests.revision < EXCLUDED.revision`,
    [definition.solutionInterestId, definition, definition.revision],
  );
  return rowCount === 1;
}

/** Marks a solution interest deleted when the deletion is newer than what is stored; returns whether it was. */
export async function markSolutionInterestDeleted(
  db: Queryable,
  solutionInterestId: string,
  revision: number,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE solution_interests SET deleted = true, revision = $2, updated_at = now()
     WHERE solution_interest_id = $1 AND revision < $2`,
    [solutionInterestId, revision],
  );
  return rowCount === 1;
}

/**
 * Orders chunks against changes of what decides which groups a change touches: the definitions and the account
 * hierarchy. A chunk that reads them (definitions, ancestor chains) holds the lock shared until it commits; a chunk
 * that saves a definition or moves an account in the hierarchy holds it exclusively, so it commits only after every
 * chunk that decided without it has committed — and the recomputations it starts (a definition's job, the roll-ups of
 * an account's old and new ancestors) then see all of their records, while every later chunk reads the new state.
 * (A separate statement from the reads that follow it: a statement's snapshot predates any lock it waits for.)
 */
export async function lockStructure(db: Queryable, mode: 'read' | 'write'): Promise<void> {
  const fn = mode === 'write' ? 'pg_advisory_xact_lock' : 'pg_advisory_xact_lock_shared';
  await db.query(`SELECT ${fn}(hashtextextended('role-assignment:structure', 0))`);
}

/** What changes whenever any definition does: a cheap check whether a cached set of definitions is still current. */
export async function definitionsStamp(db: Queryable): Promise<string> {
  const { rows } = await db.query<{ stamp: string }>(
    `SELECT coalesce(max(revision), 0) || ':' || count(*) AS stamp FROM solution_interests`,
  );
  return rows[0]!.stamp;
}

/** Live solution interests with their revision. */
export async function liveSolutionInterests(db: Queryable): Promise<StoredInterest[]> {
  const { rows } = await db.query<{ definition: SolutionInterestDefined; revision: string }>(
    'SELECT definition, revision FROM solution_interests WHERE NOT deleted ORDER BY solution_interest_id',
  );
  return rows.map((r) => ({ ...r.definition, revision: Number(r.revision) }));
}

export async function liveAccounts(db: Queryable, accountIds: string[]): Promise<Map<string, AccountUpserted>> {
  const { rows } = await db.query<{ data: AccountUpserted }>(
    'SELECT data FROM accounts WHERE account_id = ANY($1::text[]) AND NOT deleted',
    [accountIds],
  );
  return new Map(rows.map((r) => [r.data.accountId, r.data]));
}

export type StoredAccount = { parentAccountId: string | null; deleted: boolean; updatedAt: Date };

/**
 * The stored state of these accounts (for stale checks and hierarchy moves); with `lock`, their rows stay locked until
 * the transaction ends.
 */
export async function storedAccounts(
  db: Queryable,
  accountIds: string[],
  lock: boolean,
): Promise<Map<string, StoredAccount>> {
  const { rows } = await db.query<{
    account_id: string;
    parent_account_id: string | null;
    deleted: boolean;
    updated_at: Date;
  }>(
    `SELECT account_id, parent_account_id, deleted, updated_at FROM accounts
     WHERE account_id = ANY($1::text[]) ORDER BY account_id${lock ? ' FOR UPDATE' : ''}`,
    [accountIds],
  );
  return new Map(
    rows.map((r) => [
      r.account_id,
      { parentAccountId: r.parent_account_id, deleted: r.deleted, updatedAt: r.updated_at },
    ]),
  );
}

/**
 * Upserts accounts (`data` null marks one deleted, keeping its last data and parent), each only when newer than the
 * stored one. Returns the ids written.
 */
export async function saveAccounts(
  db: Queryable,
  accounts: { accountId: string; data: AccountUpserted | null; changedAt: string }[],
): Promise<Set<string>> {
  if (accounts.length === 0) return new Set();
  const { rows } = await db.query<{ account_id: string }>(
    `INSERT INTO accounts (account_id, parent_account_id, data, deleted, updated_at)
     SELECT r.account_id, r.data->>'parentAccountId', coalesce(r.data, '{}'::jsonb), r.data IS NULL, r.changed_at
     FROM jsonb_to_recordset($1::jsonb) AS r(account_id text, data jsonb, changed_at timestamptz)
     ON CONFLICT ON CONSTRAINT accounts_pkey DO UPDATE SET
       parent_account_id = CASE WHEN EXCLUDED.deleted THEN accounts.parent_account_id ELSE EXCLUDED.parent_account_id END,
       data = CASE WHEN EXCLUDED.deleted THEN accounts.data ELSE EXCLUDED.data END,
       deleted = EXCLUDED.deleted,
       updated_at = EXCLUDED.updated_at
     WHERE accounts.updated_at < EXCLUDED.updated_at
     RETURNING account_id`,
    [JSON.stringify(accounts.map((a) => ({ account_id: a.accountId, data: a.data, changed_at: a.changedAt })))],
  );
  return new Set(rows.map((r) => r.account_id));
}

export type PersonLinkWrite = {
  accountId: string;
  personId: string;
  /** The person as linked to this account, or null when the link ended (person left or deleted). */
  link: { relationship: string; person: PersonUpserted } | null;
  changedAt: string;
};

/**
 * Applies person ↔ account link writes, each only when newer than the stored link (an ended link stays as a
 * tombstone with its time). One statement for all; returns the `accountId\u0000personId` keys written, each with the
 * time the link had before (null for a new link), so that the caller tells the chunk's new inputs from redelivered ones.
 */
export async function savePersonLinks(db: Queryable, writes: PersonLinkWrite[]): Promise<Map<string, Date | null>> {
  if (writes.length === 0) return new Map();
  // The whole statement reads the snapshot from before the insert: the subquery below sees what the chunk found. It
  // probes the primary key once per row written; a join with the incoming rows may be planned as a scan of every
  // link (that form took 47 ms a call at 1,000 updates/s in the bench).
  const { rows } = await db.query<{ account_id: string; person_id: string; stored_before: Date | null }>(
    `WITH incoming AS (
       SELECT * FROM jsonb_to_recordset($1::jsonb)
         AS r(account_id text, person_id text, relationship text, person jsonb, changed_at timestamptz)
     ), written AS (
       INSERT INTO account_people (account_id, person_id, relationship, person, linked, updated_at)
       SELECT i.account_id, i.person_id, i.relationship, i.person, i.person IS NOT NULL, i.changed_at
       FROM incoming i
       ORDER BY i.account_id, i.person_id
       ON CONFLICT ON CONSTRAINT account_people_pkey DO UPDATE SET relationship = EXCLUDED.relationship,
         person = EXCLUDED.person, linked = EXCLUDED.linked, updated_at = EXCLUDED.updated_at
       WHERE account_people.updated_at < EXCLUDED.updated_at
       RETURNING account_id, person_id
     )
     SELECT w.account_id, w.person_id,
            (SELECT ap.updated_at FROM account_people ap
             WHERE ap.account_id = w.account_id AND ap.person_id = w.person_id) AS stored_before
     FROM written w`,
    [
      JSON.stringify(
        writes.map((w) => ({
          account_id: w.accountId,
          person_id: w.personId,
          relationship: w.link?.relationship ?? null,
          person: w.link?.person ?? null,
          changed_at: w.changedAt,
        })),
      ),
    ],
  );
  return new Map(rows.map((r) => [`${r.account_id}\u0000${r.person_id}`, r.stored_before]));
}

/**
 * Stores engagement scores from scoring, each only when its version is newer than the stored one (a redelivery or an
 * older re-send does nothing). One statement; returns the `accountId\u0000personId` keys written.
 */
export async function savePersonEngagement(
  db: Queryable,
  scores: readonly PersonEngagementChanged[],
): Promise<Set<string>> {
  if (scores.length === 0) return new Set();
  const { rows } = await db.query<{ account_id: string; person_id: string }>(
    `INSERT INTO person_engagement (account_id, person_id, score, version, scored_at)
     SELECT DISTINCT ON (a, p) a, p, s, v, t
     FROM unnest($1::text[], $2::text[], $3::int[], $4::int[], $5::timestamptz[]) AS w (a, p, s, v, t)
     ORDER BY a, p, v DESC
     ON CONFLICT ON CONSTRAINT person_engagement_pkey DO UPDATE
       SET score = EXCLUDED.score, version = EXCLUDED.version, scored_at = EXCLUDED.scored_at
       WHERE person_engagement.version < EXCLUDED.version
     RETURNING account_id, person_id`,
    [
      scores.map((s) => s.accountId),
      scores.map((s) => s.personId),
      scores.map((s) => s.score),
      scores.map((s) => s.version),
      scores.map((s) => s.scoredAt),
    ],
  );
  return new Set(rows.map((r) => `${r.account_id}\u0000${r.person_id}`));
}

/** Saves an explicit member edit unless that writer already made a newer one; returns whether it was saved. */
export async function saveOverride(
  db: Queryable,
  key: { accountId: string; solutionInterestId: string },
  override: MemberOverride,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO member_overrides (account_id, solution_interest_id, person_id, source, action, role, requested_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT ON CONSTRAINT member_overrides_pkey DO UPDATE
       SET action = EXCLUDED.action, role = EXCLUDED.role, requested_at = EXCLUDED.requested_at
       WHERE member_overrides.requested_at < EXCLUDED.requested_at`,
    [
      key.accountId,
      key.solutionInterestId,
      override.personId,
      override.source,
      override.action,
      override.role,
      override.requestedAt,
    ],
  );
  return rowCount === 1;
}

/** The live ancestors of each account whose roll-up groups hold (or held) it, nearest first; one query for all. */
export async function ancestorsOfMany(db: Queryable, accountIds: string[]): Promise<Map<string, string[]>> {
  if (accountIds.length === 0) return new Map();
  const { rows } = await db.query<{ start_id: string; account_id: string }>(ancestorsQuery, [accountIds]);
  return groupRows(accountIds, rows, 'start_id');
}

/** The scope of each root's roll-up group (`account-and-descendants`), the root first; one query for all roots. */
export async function scopesOfMany(db: Queryable, roots: string[]): Promise<Map<string, string[]>> {
  if (roots.length === 0) return new Map();
  const { rows } = await db.query<{ root: string; account_id: string }>(scopeQuery, [roots]);
  return groupRows(roots, rows, 'root');
}

/** People of many accounts at once, by account, each list by person id (linked ones only). */
export async function peopleOfMany(db: Queryable, accountIds: string[]): Promise<Map<string, ScopedPerson[]>> {
  const result = new Map<string, ScopedPerson[]>();
  if (accountIds.length === 0) return result;
  const { rows } = await db.query<{
    account_id: string;
    person_id: string;
    relationship: string;
    person: PersonUpserted;
    engagement_score: number | null;
  }>(
    `SELECT p.account_id, p.person_id, p.relationship, p.person, e.score AS engagement_score
     FROM account_people p LEFT JOIN person_engagement e USING (account_id, person_id)
     WHERE p.account_id = ANY($1::text[]) AND p.linked ORDER BY p.account_id, p.person_id COLLATE "C"`,
    [accountIds],
  );
  for (const r of rows) {
    const list = result.get(r.account_id) ?? [];
    list.push({
      personId: r.person_id,
      relationship: r.relationship,
      person: r.person,
      engagementScore: r.engagement_score ?? undefined,
    });
    result.set(r.account_id, list);
  }
  return result;
}

export type PersonLink = ScopedPerson & { accountId: string; accountLive: boolean };

/** Every live link of these persons, whatever the account (a roll-up group judges a person by the nearest one). */
export async function linksOfPersons(db: Queryable, personIds: string[]): Promise<Map<string, PersonLink[]>> {
  const result = new Map<string, PersonLink[]>();
  if (personIds.length === 0) return result;
  const { rows } = await db.query<{
    account_id: string;
    person_id: string;
    relationship: string;
    person: PersonUpserted;
    account_live: boolean;
    engagement_score: number | null;
  }>(
    `SELECT p.account_id, p.person_id, p.relationship, p.person, coalesce(NOT a.deleted, false) AS account_live,
            e.score AS engagement_score
     FROM account_people p LEFT JOIN accounts a ON a.account_id = p.account_id
       LEFT JOIN person_engagement e ON e.account_id = p.account_id AND e.person_id = p.person_id
     WHERE p.person_id = ANY($1::text[]) AND p.linked`,
    [personIds],
  );
  for (const r of rows) {
    const list = result.get(r.person_id) ?? [];
    list.push({
      accountId: r.account_id,
      accountLive: r.account_live,
      personId: r.person_id,
      relationship: r.relationship,
      person: r.person,
      engagementScore: r.engagement_score ?? undefined,
    });
    result.set(r.person_id, list);
  }
  return result;
}

/** Overrides of many groups at once, by `accountId|solutionInterestId`; only those of `personIds` when given. */
export async function overridesOfMany(
  db: Queryable,
  accountIds: string[],
  personIds?: string[],
): Promise<Map<string, MemberOverride[]>> {
  const result = new Map<string, MemberOverride[]>();
  if (accountIds.length === 0) return result;
  const { rows } = await db.query<{
    account_id: string;
    solution_interest_id: string;
    person_id: string;
    source: OverrideSource;
    action: 'add' | 'remove';
    role: string | null;
    requested_at: Date;
  }>(
    `SELECT account_id, solution_interest_id, person_id, source, action, role, requested_at FROM member_overrides
     WHERE account_id = ANY($1::text[]) AND ($2::text[] IS NULL OR person_id = ANY($2::text[]))`,
    [accountIds, personIds ?? null],
  );
  for (const r of rows) {
    const key = `${r.account_id}|${r.solution_interest_id}`;
    const list = result.get(key) ?? [];
    list.push(
      r.action === 'add'
        ? {
            personId: r.person_id,
            action: 'add',
            role: r.role ?? '',
            source: r.source,
            requestedAt: r.requested_at.toISOString(),
          }
        : {
            personId: r.person_id,
            action: 'remove',
            role: r.role,
            source: r.source,
            requestedAt: r.requested_at.toISOString(),
          },
    );
    result.set(key, list);
  }
  return result;
}

/** The advisory lock key of an account's groups (also of groups that do not exist yet). */
const accountLockKey = `hashtextextended('role-assignment:' || k, 0)`;

/**
 * Serialises all work on these accounts' groups until the transaction ends, in key order so that writers cannot
 * deadlock. One lock per account, whatever the number of solution interests: a chunk's lock count is bounded by its
 * accounts. `wait` blocks until every lock is held; `try` takes the free ones only and returns them.
 */
export async function lockAccounts(db: Queryable, accountIds: string[], mode: 'wait' | 'try'): Promise<Set<string>> {
  const sorted = [...new Set(accountIds)].sort();
  if (sorted.length === 0) return new Set();
  if (mode === 'wait') {
    await db.query(`SELECT pg_advisory_xact_lock(${accountLockKey}) FROM unnest($1::text[]) AS k ORDER BY k`, [sorted]);
    return new Set(sorted);
  }
  const { rows } = await db.query<{ k: string }>(
    `SELECT k FROM (SELECT k FROM unnest($1::text[]) AS k ORDER BY k) s WHERE pg_try_advisory_xact_lock(${accountLockKey})`,
    [sorted],
  );
  return new Set(rows.map((r) => r.k));
}
