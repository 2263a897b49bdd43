import type { Cause } from '@bg/contracts';
import type { Queryable } from '@bg/postgres';

export type RecomputeJob = {
  jobId: string;
  solutionInterestId: string;
  cause: Cause;
  afterAccountId: string | null;
  accountsDone: number;
  groupsChanged: number;
};

/** A newer definition supersedes the pending/running job of the same solution interest: it starts over. */
export async function enqueueRecomputeJob(db: Queryable, solutionInterestId: string, cause: Cause): Promise<void> {
  await db.query(
    `UPDATE recompute_jobs SET status = 'superseded', finished_at = now()
     WHERE solution_interest_id = $1 AND status IN ('pending', 'running')`,
    [solutionInterestId],
  );
  await db.query('INSERT INTO recompute_jobs (solution_interest_id, cause) VALUES ($1, $2)', [
    solutionInterestId,
    cause,
  ]);
  await db.query(`SELECT pg_notify(current_schema() || '_recompute_jobs', '')`);
}

/** The oldest unfinished job, locked for this transaction (another replica skips it). */
export async function claimJob(db: Queryable): Promise<RecomputeJob | null> {
  const { rows } = await db.query<{
    job_id: string;
    solution_interest_id: string;
    cause: Cause;
    after_account_id: string | null;
    accounts_done: number;
    groups_changed: number;
  }>(
    `SELECT job_id, solution_interest_id, cause, after_account_id, accounts_done, groups_changed FROM recompute_jobs
     WHERE status IN ('pending', 'running') ORDER BY job_id LIMIT 1 FOR UPDATE SKIP LOCKED`,
  );
  const row = rows[0];
  return row
    ? {
        jobId: row.job_id,
        solutionInterestId: row.solution_interest_id,
        cause: row.cause,
        afterAccountId: row.after_account_id,
        accountsDone: row.accounts_done,
        groupsChanged: row.groups_changed,
      }
    : null;
}

export async function recordJobProgress(db: Queryable, job: RecomputeJob, finished: boolean): Promise<void> {
  await db.query(
    `UPDATE recompute_jobs SET status = $2, after_account_id = $3, accounts_done = $4, groups_changed = $5,
       started_at = coalesce(started_at, now()), finished_at = CASE WHEN $2 = 'done' THEN now() END
     WHERE job_id = $1`,
    [job.jobId, finished ? 'done' : 'running', job.afterAccountId, job.accountsDone, job.groupsChanged],
  );
}

/** How large a page of a recompute job may be: at most `accounts`, and about `people` linked people in all. */
export type PageLimit = { accounts: number; people: number };

/**
 * The next page of account ids (deleted ones too: their groups must dissolve): accounts in id order, up to
 * `limit.accounts`, stopping once the accounts taken hold `limit.people` linked people — an account that alone holds
 * more still makes a page of its own. A whole-group recompute loads every person of its accounts, and accounts are
 * skewed (the largest hold thousands), so a page of a fixed number of accounts would hold the job's memory and the
 * transaction's length hostage to the accounts that happen to fall in it. The walk goes one account at a time and
 * stops at the budget, each count too: counting a page costs about the people it takes, read from the partial index
 * of linked people (migration 009) without visiting their rows. (Counting every account of a fixed window instead cost
 * 82 ms a page at full scale, as much as loading the people.)
 */
export async function accountPage(db: Queryable, afterAccountId: string | null, limit: PageLimit): Promise<string[]> {
  const peopleOf = (account: string) =>
    `(SELECT count(*) FROM (SELECT 1 FROM account_people p WHERE p.account_id = ${account} AND p.linked LIMIT $3) AS held)`;
  const { rows } = await db.query<{ account_id: string }>(
    `WITH RECURSIVE walk (account_id, people, taken) AS (
       (SELECT a.account_id, ${peopleOf('a.account_id')}, 1 FROM accounts a
        WHERE $1::text IS NULL OR a.account_id > $1 ORDER BY a.account_id LIMIT 1)
       UNION ALL
       SELECT next.account_id, walk.people + ${peopleOf('next.account_id')}, walk.taken + 1
       FROM walk CROSS JOIN LATERAL (
         SELECT a.account_id FROM accounts a WHERE a.account_id > walk.account_id ORDER BY a.account_id LIMIT 1
       ) AS next
       WHERE walk.people < $3 AND walk.taken < $2
     )
     SELECT account_id FROM walk ORDER BY account_id`,
    [afterAccountId, limit.accounts, limit.people],
  );
  return rows.map((r) => r.account_id);
}

export async function countAccounts(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM accounts');
  return rows[0]!.n;
}
