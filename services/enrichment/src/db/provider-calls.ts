import type { Queryable } from '@bg/postgres';
import type { CallRecord } from '../resilience/http-client';

/** Why a call was made: the job, and the buying-group slot or audience it served. */
export type CallReason = {
  accountId: string;
  jobKind: 'lookup' | 'audience';
  jobId: string;
  purpose: string;
  solutionInterestId: string | null;
  role: string | null;
};

export type AuditedCall = CallRecord & { reason: CallReason };

/** Appends the calls to the audit trail (one multi-row insert, in the caller's transaction). */
export async function insertProviderCalls(db: Queryable, calls: AuditedCall[]): Promise<void> {
  if (calls.length === 0) return;
  const column = <T>(pick: (call: AuditedCall) => T) => calls.map(pick);
  await db.query(
    `INSERT INTO provider_calls (account_id, provider, method, url, status, duration_ms, outcome, attempt, error, called_at,
                                 job_kind, job_id, purpose, solution_interest_id, role)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::int[], $7::text[], $8::int[],
                          $9::text[], $10::timestamptz[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[])`,
    [
      column((c) => c.reason.accountId),
      column((c) => c.provider),
      column((c) => c.method),
      column((c) => c.url),
      column((c) => c.status),
      column((c) => Math.max(0, Math.round(c.durationMs))),
      column((c) => c.outcome),
      column((c) => c.attempt),
      column((c) => c.error ?? null),
      column((c) => c.at),
      column((c) => c.reason.jobKind),
      column((c) => c.reason.jobId),
      column((c) => c.reason.purpose),
      column((c) => c.reason.solutionInterestId),
      column((c) => c.reason.role),
    ],
  );
}
