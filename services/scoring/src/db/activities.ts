import type { ActivityAccepted } from '@bg/contracts';
import type { Queryable } from '@bg/postgres';
import type { ScoredActivity } from '../domain/engagement';

export type PersonKey = { accountId: string; personId: string };

/** Activities by account, then by person. */
export type ActivitiesByAccount = Map<string, Map<string, ScoredActivity[]>>;

/**
 * Stores activities once per (account, person, source, activity id) — an activity is identified by the CRM that
 * recorded it and its id —; returns the ones stored now, in the given order, so that a late or repeated copy counts
 * for nothing more.
 */
export async function insertActivities(
  db: Queryable,
  accepted: readonly ActivityAccepted[],
): Promise<ActivityAccepted[]> {
  if (accepted.length === 0) return [];
  const { rows } = await db.query<{ account_id: string; person_id: string; source: string; activity_id: string }>(
    `INSERT INTO activities (account_id, person_id, source, activity_id, activity_type, occurred_at)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[])
     ON CONFLICT ON CONSTRAINT activities_pkey DO NOTHING
     RETURNING account_id, person_id, source, activity_id`,
    [
      accepted.map((a) => a.activity.accountId),
      accepted.map((a) => a.activity.personId),
      accepted.map(sourceOf),
      accepted.map((a) => a.activity.activityId),
      accepted.map((a) => a.activity.activityType),
      accepted.map((a) => a.activity.occurredAt),
    ],
  );
  const stored = new Set(rows.map((r) => activityKey(r.account_id, r.person_id, r.source, r.activity_id)));
  return accepted.filter((a) => stored.delete(acceptedKey(a)));
}

/** The identity of an accepted activity, as the primary key has it. */
export function acceptedKey(accepted: ActivityAccepted): string {
  const { activity } = accepted;
  return activityKey(activity.accountId, activity.personId, sourceOf(accepted), activity.activityId);
}

/** The activities of these persons that occurred since `since` (older ones are out of every window). */
export async function loadActivities(
  db: Queryable,
  persons: readonly PersonKey[],
  since: Date,
): Promise<ActivitiesByAccount> {
  const byAccount: ActivitiesByAccount = new Map();
  if (persons.length === 0) return byAccount;
  const { rows } = await db.query<{
    account_id: string;
    person_id: string;
    source: string;
    activity_id: string;
    activity_type: ScoredActivity['activityType'];
    occurred_at: Date;
  }>(
    `SELECT a.account_id, a.person_id, a.source, a.activity_id, a.activity_type, a.occurred_at
     FROM activities a
     JOIN (SELECT DISTINCT * FROM unnest($1::text[], $2::text[]) AS p (account_id, person_id)) p USING (account_id, person_id)
     WHERE a.occurred_at >= $3`,
    [persons.map((p) => p.accountId), persons.map((p) => p.personId), since],
  );
  for (const row of rows) {
    const byPerson = byAccount.get(row.account_id) ?? new Map<string, ScoredActivity[]>();
    byAccount.set(row.account_id, byPerson);
    const list = byPerson.get(row.person_id) ?? [];
    byPerson.set(row.person_id, list);
    list.push({
      source: row.source,
      activityId: row.activity_id,
      activityType: row.activity_type,
      occurredAt: row.occurred_at.toISOString(),
    });
  }
  return byAccount;
}

function activityKey(accountId: string, personId: string, source: string, activityId: string): string {
  return [accountId, personId, source, activityId].join('\u0000');
}

const sourceOf = (accepted: ActivityAccepted): string => accepted.cause.source ?? '';

/** The time of the last activity (any, however old) of each of these persons at each of these accounts. */
export async function lastActivities(
  db: Queryable,
  persons: readonly PersonKey[],
): Promise<Map<string, Map<string, string>>> {
  const byAccount = new Map<string, Map<string, string>>();
  if (persons.length === 0) return byAccount;
  const { rows } = await db.query<{ account_id: string; person_id: string; last: Date }>(
    `SELECT a.account_id, a.person_id, max(a.occurred_at) AS last
     FROM activities a
     JOIN (SELECT DISTINCT * FROM unnest($1::text[], $2::text[]) AS p (account_id, person_id)) p USING (account_id, person_id)
     GROUP BY a.account_id, a.person_id`,
    [persons.map((p) => p.accountId), persons.map((p) => p.personId)],
  );
  for (const row of rows) {
    const byPerson = byAccount.get(row.account_id) ?? new Map<string, string>();
    byAccount.set(row.account_id, byPerson);
    byPerson.set(row.person_id, row.last.toISOString());
  }
  return byAccount;
}

/** Where a page of `personsWithActivitiesIn` ended: the next page starts after it. */
export type OccurrenceCursor = PersonKey & { occurredAt: Date };

/**
 * The persons with an activity that occurred from `from` to `to` (both included; `null` unbounded), a page after
 * `after` in the order of the activities' occurrence index (keyset pagination: a range of the index, never a scan). A
 * person with activities on two pages is on both.
 */
export async function personsWithActivitiesIn(
  db: Queryable,
  range: { from: Date | null; to: Date | null },
  after: OccurrenceCursor | null,
  limit: number,
): Promise<{ persons: PersonKey[]; last: OccurrenceCursor | null }> {
  const { rows } = await db.query<{ occurred_at: Date; account_id: string; person_id: string }>(
    `SELECT DISTINCT occurred_at, account_id, person_id FROM activities
     WHERE occurred_at BETWEEN coalesce($1, '-infinity'::timestamptz) AND coalesce($2, 'infinity'::timestamptz)
       AND (occurred_at, account_id, person_id) > (coalesce($3, '-infinity'::timestamptz), $4, $5)
     ORDER BY occurred_at, account_id, person_id LIMIT $6`,
    [range.from, range.to, after?.occurredAt ?? null, after?.accountId ?? '', after?.personId ?? '', limit],
  );
  const last = rows.at(-1);
  return {
    persons: rows.map((r) => ({ accountId: r.account_id, personId: r.person_id })),
    last: last ? { occurredAt: last.occurred_at, accountId: last.account_id, personId: last.person_id } : null,
  };
}
