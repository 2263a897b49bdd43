import type { OpportunityUpserted } from '@bg/contracts';
import type { PersonTraits } from '@bg/ai';
import type { Queryable } from '@bg/postgres';

/** Stores each opportunity when newer than the one held (`updatedAt`); returns how many were stored. */
export async function saveOpportunities(db: Queryable, opportunities: OpportunityUpserted[]): Promise<number> {
  if (opportunities.length === 0) return 0;
  const result = await db.query(
    `INSERT INTO opportunities (opportunity_id, account_id, stage, closed_at, data, updated_at)
     SELECT o->>'opportunityId', o->>'accountId', o->>'stage', (o->>'closedAt')::timestamptz, o, (o->>'updatedAt')::timestamptz
     FROM jsonb_array_elements($1::jsonb) o
     ON CONFLICT ON CONSTRAINT opportunities_pkey DO UPDATE
       SET account_id = EXCLUDED.account_id, stage = EXCLUDED.stage, closed_at = EXCLUDED.closed_at,
           data = EXCLUDED.data, updated_at = EXCLUDED.updated_at
       WHERE opportunities.updated_at < EXCLUDED.updated_at`,
    [JSON.stringify(opportunities)],
  );
  return result.rowCount ?? 0;
}

/** Whether any of these people is a contact on a won deal, i.e. part of the role model's training data. */
export async function areWonDealContacts(db: Queryable, personIds: string[]): Promise<boolean> {
  if (personIds.length === 0) return false;
  const { rows } = await db.query<{ found: boolean }>(
    `SELECT EXISTS (
       SELECT 1 FROM opportunities
       WHERE stage = 'won' AND jsonb_path_query_array(data, '$.contactRoles[*].personId') ?| $1::text[]
     ) AS found`,
    [personIds],
  );
  return rows[0]!.found;
}

/** Won opportunities closed in [from, to], and the current fields of the live people in their contact roles. */
export async function wonDealsWithPeople(
  db: Queryable,
  from: string,
  to: string,
): Promise<{ opportunities: OpportunityUpserted[]; people: Map<string, PersonTraits> }> {
  const { rows } = await db.query<{ data: OpportunityUpserted }>(
    `SELECT data FROM opportunities WHERE stage = 'won' AND closed_at BETWEEN $1 AND $2 ORDER BY opportunity_id`,
    [from, to],
  );
  const opportunities = rows.map((r) => r.data);
  const ids = [...new Set(opportunities.flatMap((o) => o.contactRoles.map((c) => c.personId)))];
  const { rows: persons } = await db.query<{ person_id: string; data: PersonTraits }>(
    'SELECT person_id, data FROM persons WHERE person_id = ANY($1::text[]) AND NOT deleted',
    [ids],
  );
  return { opportunities, people: new Map(persons.map((p) => [p.person_id, p.data])) };
}

/** An opportunity linked to a group (CONTRACT.md §7), as `GET /v1/buying-groups/{id}` lists it. */
export type LinkedOpportunity = {
  opportunityId: string;
  stage: OpportunityUpserted['stage'];
  productName: string | null;
  closedAt: string | null;
  updatedAt: string;
};

/**
 * The account's opportunities for a solution interest (an opportunity belongs to one by its `solutionInterestId`, else
 * to none), most recently updated first.
 */
export async function opportunitiesOfGroup(
  db: Queryable,
  accountId: string,
  solutionInterestId: string,
): Promise<LinkedOpportunity[]> {
  const { rows } = await db.query<{ data: OpportunityUpserted }>(
    `SELECT data FROM opportunities WHERE account_id = $1 AND data ->> 'solutionInterestId' = $2
     ORDER BY updated_at DESC, opportunity_id DESC`,
    [accountId, solutionInterestId],
  );
  return rows.map(({ data }) => ({
    opportunityId: data.opportunityId,
    stage: data.stage,
    productName: data.productName ?? null,
    closedAt: data.closedAt ?? null,
    updatedAt: data.updatedAt,
  }));
}
