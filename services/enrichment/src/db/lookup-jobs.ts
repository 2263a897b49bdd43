import { roleSlotSchema, type RoleSlot } from '@bg/contracts';
import type { Queryable } from '@bg/postgres';

export type LookupJob = {
  accountId: string;
  jobId: string;
  solutionInterestId: string;
  buyingGroupId: string;
  role: string;
  slot: number;
  slotDefinition: RoleSlot;
  causeEventId: string;
  /** The attempt this claim is (1 for the first); also the claim's fencing token. */
  attempts: number;
};

type JobRow = {
  account_id: string;
  job_id: string;
  solution_interest_id: string;
  buying_group_id: string;
  role: string;
  slot: number;
  slot_definition: unknown;
  cause_event_id: string;
  attempts: number;
};

const toJob = (row: JobRow): LookupJob => ({
  accountId: row.account_id,
  jobId: row.job_id,
  solutionInterestId: row.solution_interest_id,
  buyingGroupId: row.buying_group_id,
  role: row.role,
  slot: row.slot,
  slotDefinition: roleSlotSchema.parse(row.slot_definition),
  causeEventId: row.cause_event_id,
  attempts: row.attempts,
});

/** When the slot was last looked up (cancelled jobs never ran, so they do not count). */
export async function lastLookupAt(
  db: Queryable,
  accountId: string,
  solutionInterestId: string,
  role: string,
): Promise<Date | null> {
  const { rows } = await db.query<{ created_at: Date }>(
    `SELECT created_at FROM lookup_jobs WHERE account_id = $1 AND solution_interest_id = $2 AND role = $3 AND status <> 'cancelled'
     ORDER BY created_at DESC LIMIT 1`,
    [accountId, solutionInterestId, role],
  );
  return rows[0]?.created_at ?? null;
}

export async function lookupJobExists(db: Queryable, accountId: string, jobId: string): Promise<boolean> {
  const { rowCount } = await db.query('SELECT 1 FROM lookup_jobs WHERE account_id = $1 AND job_id = $2', [
    accountId,
    jobId,
  ]);
  return rowCount === 1;
}

export async function insertLookupJob(db: Queryable, job: Omit<LookupJob, 'attempts'>, now: Date): Promise<void> {
  await db.query(
    `INSERT INTO lookup_jobs (account_id, job_id, solution_interest_id, buying_group_id, role, slot, slot_definition, cause_event_id,
                              next_attempt_at, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $9) ON CONFLICT ON CONSTRAINT lookup_jobs_pkey DO NOTHING`,
    [
      job.accountId,
      job.jobId,
      job.solutionInterestId,
      job.buyingGroupId,
      job.role,
      job.slot,
      job.slotDefinition,
      job.causeEventId,
      now,
    ],
  );
}

/** A role filled before its lookup ran needs no lookup: pending jobs of the slot are dropped (a running one finishes). */
export async function cancelPendingLookups(
  db: Queryable,
  accountId: string,
  solutionInterestId: string,
  role: string,
  now: Date,
): Promise<number> {
  const result = await db.query(
    `UPDATE lookup_jobs SET status = 'cancelled', updated_at = $4
     WHERE account_id = $1 AND solution_interest_id = $2 AND role = $3 AND status = 'pending'`,
    [accountId, solutionInterestId, role, now],
  );
  return result.rowCount ?? 0;
}

/**
 * A dissolved group asks for nobody: its pending lookups are dropped, and so are running ones — the worker's finish
 * then finds the claim gone and drops the result (its calls stay audited).
 */
export async function cancelGroupLookups(
  db: Queryable,
  accountId: string,
  solutionInterestId: string,
  now: Date,
): Promise<number> {
  const result = await db.query(
    `UPDATE lookup_jobs SET status = 'cancelled', lease_until = NULL, updated_at = $3
     WHERE account_id = $1 AND solution_interest_id = $2 AND status IN ('pending', 'running')`,
    [accountId, solutionInterestId, now],
  );
  return result.rowCount ?? 0;
}

/**
 * Claims up to `limit` due jobs for this worker until `leaseUntil`: pending ones whose time has come, and running ones
 * whose worker died (lease expired). SKIP LOCKED lets replicas claim side by side without waiting for each other. A job
 * whose lease expired with no attempts left is parked instead: it keeps killing its worker, so it is not run again.
 */
export async function claimLookupJobs(
  db: Queryable,
  opts: { now: Date; leaseUntil: Date; limit: number; maxAttempts: number },
): Promise<LookupJob[]> {
  await db.query(
    `UPDATE lookup_jobs SET status = 'parked', lease_until = NULL, updated_at = $1,
            last_error = 'worker lost its lease on the last attempt (crashed or stalled)'
     WHERE status = 'running' AND lease_until < $1 AND attempts >= $2`,
    [opts.now, opts.maxAttempts],
  );
  const { rows } = await db.query<JobRow>(
    `UPDATE lookup_jobs j SET status = 'running', attempts = j.attempts + 1, lease_until = $2, updated_at = $1
     FROM (SELECT account_id, job_id FROM lookup_jobs
           WHERE status IN ('pending', 'running') AND next_attempt_at <= $1 AND (lease_until IS NULL OR lease_until < $1)
           ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED) due
     WHERE j.account_id = due.account_id AND j.job_id = due.job_id
     RETURNING j.account_id, j.job_id, j.solution_interest_id, j.buying_group_id, j.role, j.slot, j.slot_definition, j.cause_event_id, j.attempts`,
    [opts.now, opts.leaseUntil, opts.limit],
  );
  return rows.map(toJob);
}

/**
 * Ends this claim of the job; false when the claim was lost: its lease expired and another worker took the job over,
 * or the job was cancelled meanwhile (its group dissolved).
 */
export async function finishLookupJob(
  db: Queryable,
  job: LookupJob,
  outcome:
    | { status: 'done'; found: number; enriched: number; note: string | null }
    | { status: 'pending'; nextAttemptAt: Date; error: string }
    | { status: 'parked'; error: string },
  now: Date,
): Promise<boolean> {
  const result = await db.query(
    `UPDATE lookup_jobs SET status = $4, lease_until = NULL, updated_at = $5,
            next_attempt_at = COALESCE($6, next_attempt_at), last_error = $7,
            found_count = COALESCE($8, found_count), enriched_count = COALESCE($9, enriched_count)
     WHERE account_id = $1 AND job_id = $2 AND status = 'running' AND attempts = $3`,
    [
      job.accountId,
      job.jobId,
      job.attempts,
      outcome.status,
      now,
      outcome.status === 'pending' ? outcome.nextAttemptAt : null,
      outcome.status === 'done' ? outcome.note : outcome.error,
      outcome.status === 'done' ? outcome.found : null,
      outcome.status === 'done' ? outcome.enriched : null,
    ],
  );
  return result.rowCount === 1;
}
