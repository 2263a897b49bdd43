import type { OpportunityUpserted } from '@bg/contracts';
import type { Queryable } from '@bg/postgres';
import type { LinkedOpportunity } from '@bg/rules';

/** An (account, solution interest) pair: whose opportunities a group reads. */
export type OpportunityScope = { accountId: string; solutionInterestId: string };

/** An opportunity that changed an (account, solution interest) pair's opportunities: by being there now, or leaving. */
export type OpportunityTouch = { opportunityId: string; scope: OpportunityScope };

/**
 * Stores the opportunities that are newer than the stored ones (one per opportunity: the caller passes the latest of
 * each) and returns the (account, solution interest) pairs whose opportunities changed — where the opportunity is now
 * and, when it moved to another account or solution interest, where it was.
 */
export async function saveOpportunities(
  db: Queryable,
  opportunities: readonly OpportunityUpserted[],
): Promise<OpportunityTouch[]> {
  if (opportunities.length === 0) return [];
  const { rows } = await db.query<{
    opportunity_id: string;
    now_account: string;
    now_si: string | null;
    was_account: string | null;
    was_si: string | null;
  }>(
    `WITH input AS (
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[])
         AS i (account_id, opportunity_id, solution_interest_id, stage, updated_at)),
     stored AS (
       SELECT o.opportunity_id, o.account_id, o.solution_interest_id FROM opportunities o JOIN input USING (opportunity_id)),
     written AS (
       INSERT INTO opportunities (account_id, opportunity_id, solution_interest_id, stage, updated_at)
       SELECT * FROM input
       ON CONFLICT ON CONSTRAINT opportunities_pkey DO UPDATE
         SET account_id = EXCLUDED.account_id, solution_interest_id = EXCLUDED.solution_interest_id,
             stage = EXCLUDED.stage, updated_at = EXCLUDED.updated_at
         WHERE opportunities.updated_at < EXCLUDED.updated_at
       RETURNING opportunity_id, account_id, solution_interest_id)
     SELECT w.opportunity_id, w.account_id AS now_account, w.solution_interest_id AS now_si,
            s.account_id AS was_account, s.solution_interest_id AS was_si
     FROM written w LEFT JOIN stored s USING (opportunity_id)`,
    [
      opportunities.map((o) => o.accountId),
      opportunities.map((o) => o.opportunityId),
      opportunities.map((o) => o.solutionInterestId ?? null),
      opportunities.map((o) => o.stage),
      opportunities.map((o) => o.updatedAt),
    ],
  );
  return rows.flatMap((row) =>
    [
      { accountId: row.now_account, solutionInterestId: row.now_si },
      { accountId: row.was_account, solutionInterestId: row.was_si },
    ].flatMap(({ accountId, solutionInterestId }) =>
      accountId === null || solutionInterestId === null
        ? []
        : [{ opportunityId: row.opportunity_id, scope: { accountId, solutionInterestId } }],
    ),
  );
}

/** The opportunities of these (account, solution interest) pairs, by `accountId|solutionInterestId`. */
export async function opportunitiesOf(
  db: Queryable,
  scopes: readonly OpportunityScope[],
): Promise<Map<string, LinkedOpportunity[]>> {
  const result = new Map<string, LinkedOpportunity[]>();
  if (scopes.length === 0) return result;
  const { rows } = await db.query<{
    account_id: string;
    solution_interest_id: string;
    opportunity_id: string;
    stage: LinkedOpportunity['stage'];
    updated_at: Date;
  }>(
    `SELECT o.account_id, o.solution_interest_id, o.opportunity_id, o.stage, o.updated_at
     FROM opportunities o
     JOIN (SELECT DISTINCT * FROM unnest($1::text[], $2::text[]) AS s (account_id, solution_interest_id)) s
       USING (account_id, solution_interest_id)`,
    [scopes.map((s) => s.accountId), scopes.map((s) => s.solutionInterestId)],
  );
  for (const row of rows) {
    const key = opportunityScopeKey({ accountId: row.account_id, solutionInterestId: row.solution_interest_id });
    const list = result.get(key) ?? [];
    result.set(key, list);
    list.push({ opportunityId: row.opportunity_id, stage: row.stage, updatedAt: row.updated_at.toISOString() });
  }
  return result;
}

export const opportunityScopeKey = (s: OpportunityScope) => `${s.accountId}|${s.solutionInterestId}`;
