import { withTransaction, type Pool } from '@bg/postgres';
import type { Logger } from '@bg/service-kit';
import { claimAudienceSyncs, finishAudienceSync, type AudienceSync } from '../db/audience-members';
import { findAccount } from '../db/projection';
import { insertProviderCalls } from '../db/provider-calls';
import { audienceName } from '../domain/audience-membership';
import { afterFailure, NotReadyError, type RetrySchedule } from '../domain/job-failure';
import type { EnrichmentMetrics } from '../metrics';
import type { AudienceCompany, CompanyAudience } from '../providers/company-audience';
import type { Clock } from '../resilience/clock';
import { ProviderError } from '../resilience/provider-error';
import type { CallRecorder } from './call-recorder';
import type { JobSource } from './worker';

export type AudienceDeps = {
  pool: Pool;
  logger: Logger;
  clock: Clock;
  audience: CompanyAudience;
  recorder: CallRecorder;
  metrics: EnrichmentMetrics;
  schedule: RetrySchedule;
  leaseMs: number;
};

/** Memberships whose wish differs from what the audience was last told, claimed for this worker. */
export function audienceSyncSource(deps: AudienceDeps): JobSource {
  return {
    name: 'audience',
    claim: async (limit) => {
      const now = deps.clock();
      const syncs = await claimAudienceSyncs(deps.pool, {
        now: new Date(now),
        leaseUntil: new Date(now + deps.leaseMs),
        limit,
        maxAttempts: deps.schedule.maxAttempts,
      });
      return syncs.map((sync) => () => runAudienceSync(deps, sync));
    },
  };
}

/**
 * Brings the solution interest's audience in line with the wish read at claim time: add the account while roles are
 * missing, remove it (under the name it was added with) once none is. Adding twice or removing an absent company is
 * harmless on the platform, so a re-run after a crash is safe.
 */
export async function runAudienceSync(deps: AudienceDeps, sync: AudienceSync): Promise<void> {
  const action = sync.wanted ? 'add' : 'remove';
  const log = deps.logger.child({
    accountId: sync.accountId,
    solutionInterestId: sync.solutionInterestId,
    action,
    attempt: sync.attempts,
  });
  const scope = deps.recorder.open({
    accountId: sync.accountId,
    jobKind: 'audience',
    jobId: `audience:${sync.solutionInterestId}`,
    solutionInterestId: sync.solutionInterestId,
    role: sync.missingRoles.join(', ') || null,
  });
  let company: AudienceCompany | null = null;
  let failure: unknown;
  let synced = false;
  try {
    company = await companyFor(deps, sync);
    if (company) {
      const target = company;
      await scope.run(`audience-${action}`, async () => {
        const segmentId = await deps.audience.ensureSegment(audienceName(sync.solutionInterestId));
        const result = sync.wanted
          ? await deps.audience.addCompanies(segmentId, [target])
          : await deps.audience.removeCompanies(segmentId, [target]);
        const refused = result.rejected[0];
        if (refused) {
          throw new ProviderError(
            'rejected',
            deps.audience.name,
            `${deps.audience.name} refused the company (status ${refused.status})`,
            { status: refused.status },
          );
        }
      });
    }
    synced = true;
  } catch (error) {
    failure = error;
  }
  const now = deps.clock();
  const verdict = synced ? undefined : afterFailure(failure, sync.attempts, deps.schedule, now);
  const owned = await withTransaction(deps.pool, async (tx) => {
    const stillOurs = await finishAudienceSync(
      tx,
      sync,
      synced
        ? { status: 'synced', inAudience: sync.wanted, company: sync.wanted ? company : null }
        : verdict?.action === 'retry'
          ? { status: 'pending', nextAttemptAt: new Date(verdict.at), error: verdict.reason }
          : { status: 'parked', error: verdict?.reason ?? 'failed' },
      new Date(now),
    );
    await insertProviderCalls(tx, scope.calls);
    return stillOurs;
  });

  const result = !owned ? 'lost' : synced ? 'done' : verdict?.action === 'retry' ? 'retry' : 'parked';
  deps.metrics.jobs.inc({ kind: 'audience', result });
  if (result === 'done') log.info('audience in sync');
  else if (result === 'lost') log.warn('audience sync finished after its lease was taken over');
  else
    log[result === 'retry' || failure instanceof NotReadyError ? 'warn' : 'error'](
      { err: failure, verdict },
      `audience ${action} failed`,
    );
}

/** The company to add (as the account is named now) or to remove (as it was added); null when there is nothing to do. */
async function companyFor(deps: AudienceDeps, sync: AudienceSync): Promise<AudienceCompany | null> {
  if (!sync.wanted && sync.syncedCompany) return sync.syncedCompany;
  const account = await findAccount(deps.pool, sync.accountId);
  if (account) return { companyName: account.name, companyWebsiteDomain: account.domain };
  if (sync.wanted) throw new NotReadyError(`account ${sync.accountId} is not known yet`);
  return null;
}
