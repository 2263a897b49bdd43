import type { Queryable } from '@bg/postgres';
import type { AudienceCompany } from '../providers/company-audience';
import type { AudienceStatus } from '../domain/audience-membership';

export type AudienceMember = {
  missingRoles: string[];
  inAudience: boolean;
  status: AudienceStatus;
  groupVersion: number;
};

export type AudienceSync = {
  accountId: string;
  solutionInterestId: string;
  /** What the audience should hold: true = the account is in it. */
  wanted: boolean;
  /** The roles missing at claim time: the reason recorded with the calls. */
  missingRoles: string[];
  /** The company as it was added, to remove it under the same name. */
  syncedCompany: AudienceCompany | null;
  attempts: number;
};

export async function lockAudienceMember(
  db: Queryable,
  accountId: string,
  solutionInterestId: string,
): Promise<AudienceMember | null> {
  const { rows } = await db.query<{
    missing_roles: string[];
    in_audience: boolean;
    status: AudienceStatus;
    group_version: number;
  }>(
    `SELECT missing_roles, in_audience, status, group_version FROM audience_members
     WHERE account_id = $1 AND solution_interest_id = $2 FOR UPDATE`,
    [accountId, solutionInterestId],
  );
  const row = rows[0];
  return row
    ? {
        missingRoles: row.missing_roles,
        inAudience: row.in_audience,
        status: row.status,
        groupVersion: row.group_version,
      }
    : null;
}

/**
 * Stores the new missing roles and sync status. A row that becomes due again starts a fresh series of attempts now;
 * one already pending keeps its schedule (it may be backing off from a provider failure).
 */
export async function saveAudienceMember(
  db: Queryable,
  key: { accountId: string; solutionInterestId: string },
  next: { missingRoles: string[]; status: AudienceStatus; rearm: boolean; groupVersion: number },
  now: Date,
): Promise<void> {
  await db.query(
    `INSERT INTO audience_members (account_id, solution_interest_id, missing_roles, status, next_attempt_at, updated_at, group_version)
     VALUES ($1, $2, $3, $4, $5, $5, $7)
     ON CONFLICT ON CONSTRAINT audience_members_pkey DO UPDATE
       SET missing_roles = EXCLUDED.missing_roles, status = EXCLUDED.status, updated_at = EXCLUDED.updated_at,
           group_version = EXCLUDED.group_version,
           attempts = CASE WHEN $6 THEN 0 ELSE audience_members.attempts END,
           next_attempt_at = CASE WHEN $6 THEN EXCLUDED.next_attempt_at ELSE audience_members.next_attempt_at END,
           last_error = CASE WHEN $6 THEN NULL ELSE audience_members.last_error END`,
    [key.accountId, key.solutionInterestId, next.missingRoles, next.status, now, next.rearm, next.groupVersion],
  );
}

/** Same claiming as lookup jobs (SKIP LOCKED + lease); the wish is read at claim time. */
export async function claimAudienceSyncs(
  db: Queryable,
  opts: { now: Date; leaseUntil: Date; limit: number; maxAttempts: number },
): Promise<AudienceSync[]> {
  await db.query(
    `UPDATE audience_members SET status = 'parked', lease_until = NULL, updated_at = $1,
            last_error = 'worker lost its lease on the last attempt (crashed or stalled)'
     WHERE status = 'running' AND lease_until < $1 AND attempts >= $2`,
    [opts.now, opts.maxAttempts],
  );
  const { rows } = await db.query<{
    account_id: string;
    solution_interest_id: string;
    missing_roles: string[];
    synced_company: AudienceCompany | null;
    attempts: number;
  }>(
    `UPDATE audience_members m SET status = 'running', attempts = m.attempts + 1, lease_until = $2, updated_at = $1
     FROM (SELECT account_id, solution_interest_id FROM audience_members
           WHERE status IN ('pending', 'running') AND next_attempt_at <= $1 AND (lease_until IS NULL OR lease_until < $1)
           ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED) due
     WHERE m.account_id = due.account_id AND m.solution_interest_id = due.solution_interest_id
     RETURNING m.account_id, m.solution_interest_id, m.missing_roles, m.synced_company, m.attempts`,
    [opts.now, opts.leaseUntil, opts.limit],
  );
  return rows.map((r) => ({
    accountId: r.account_id,
    solutionInterestId: r.solution_interest_id,
    wanted: r.missing_roles.length > 0,
    missingRoles: r.missing_roles,
    syncedCompany: r.synced_company,
    attempts: r.attempts,
  }));
}

/**
 * Ends this claim. On success the audience holds `applied`; the row is in sync unless the wish changed meanwhile, in
 * which case it is due again at once. On failure the row waits until `nextAttemptAt` or is parked — unless the wish
 * went back to what the audience already holds. False when the claim was lost to another worker.
 */
export async function finishAudienceSync(
  db: Queryable,
  sync: AudienceSync,
  outcome:
    | { status: 'synced'; inAudience: boolean; company: AudienceCompany | null }
    | { status: 'pending'; nextAttemptAt: Date; error: string }
    | { status: 'parked'; error: string },
  now: Date,
): Promise<boolean> {
  const synced = outcome.status === 'synced';
  const result = await db.query(
    `UPDATE audience_members SET
       in_audience = CASE WHEN $4 THEN $5 ELSE in_audience END,
       synced_company = CASE WHEN $4 THEN $6::jsonb ELSE synced_company END,
       status = CASE WHEN (cardinality(missing_roles) > 0) = (CASE WHEN $4 THEN $5 ELSE in_audience END) THEN 'in-sync'
                     WHEN $4 THEN 'pending' ELSE $7 END,
       attempts = CASE WHEN $4 THEN 0 ELSE attempts END,
       next_attempt_at = COALESCE($8, next_attempt_at),
       last_error = $9, lease_until = NULL, updated_at = $10
     WHERE account_id = $1 AND solution_interest_id = $2 AND status = 'running' AND attempts = $3`,
    [
      sync.accountId,
      sync.solutionInterestId,
      sync.attempts,
      synced,
      synced ? outcome.inAudience : null,
      outcome.status === 'synced' && outcome.company ? JSON.stringify(outcome.company) : null,
      outcome.status === 'synced' ? null : outcome.status,
      outcome.status === 'pending' ? outcome.nextAttemptAt : synced ? now : null,
      outcome.status === 'synced' ? null : outcome.error,
      now,
    ],
  );
  return result.rowCount === 1;
}
