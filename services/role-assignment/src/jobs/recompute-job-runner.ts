import { enqueue, NotifiedLoop, withTransaction, type Pool } from '@bg/postgres';
import type { BackgroundJob, Logger } from '@bg/service-kit';
import { accountPage, claimJob, countAccounts, recordJobProgress, type PageLimit } from '../db/jobs';
import type { InterestCache } from '../interest-cache';
import { recomputeGroups } from '../recompute';

export type JobRunnerOptions = {
  pool: Pool;
  databaseUrl: string;
  schema: string;
  logger: Logger;
  page: PageLimit;
  interests: InterestCache;
  now: () => string;
  onProgress?: (progress: {
    solutionInterestId: string;
    done: number;
    total: number;
    changed: number;
    finished: boolean;
  }) => void;
};

/**
 * Works off solution-interest recomputations page by page: each page of accounts is one transaction that also moves
 * the job's cursor, so a crash resumes where it stopped; a page is bounded by accounts and by the people they hold,
 * so memory stays flat whatever the number and the size of the accounts. Logs a
 * progress line at most every two seconds, and one when done.
 */
export function createRecomputeJobRunner(opts: JobRunnerOptions): BackgroundJob {
  const totals = new Map<string, { total: number; startedAt: number; loggedAt: number }>();
  const loop = new NotifiedLoop({
    databaseUrl: opts.databaseUrl,
    channel: `${opts.schema}_recompute_jobs`,
    logger: opts.logger,
    name: 'recompute-jobs',
    work: () =>
      withTransaction(opts.pool, async (tx) => {
        const job = await claimJob(tx);
        if (!job) return false;
        const meta = totals.get(job.jobId) ?? { total: await countAccounts(tx), startedAt: Date.now(), loggedAt: 0 };
        totals.set(job.jobId, meta);
        const page = await accountPage(tx, job.afterAccountId, opts.page);
        const interests = await opts.interests.current(tx);
        const targets = page.map((accountId) => ({
          accountId,
          solutionInterestId: job.solutionInterestId,
          personIds: null,
          cause: job.cause,
          coalesced: [],
        }));
        const { outbox } = await recomputeGroups(tx, targets, interests, opts.now());
        await enqueue(tx, outbox);
        const changed = outbox.length;
        // A short page may be one the people budget cut: the job ends on the first empty page.
        const finished = page.length === 0;
        const progressed = {
          ...job,
          afterAccountId: page.at(-1) ?? job.afterAccountId,
          accountsDone: job.accountsDone + page.length,
          groupsChanged: job.groupsChanged + changed,
        };
        await recordJobProgress(tx, progressed, finished);
        const now = Date.now();
        if (finished || now - meta.loggedAt > 2_000) {
          meta.loggedAt = now;
          const seconds = (now - meta.startedAt) / 1000;
          opts.logger.info(
            {
              solutionInterestId: job.solutionInterestId,
              accountsDone: progressed.accountsDone,
              accountsTotal: meta.total,
              groupsChanged: progressed.groupsChanged,
              accountsPerSecond: Math.round(progressed.accountsDone / Math.max(seconds, 0.001)),
            },
            finished
              ? `recompute of ${job.solutionInterestId} done: ${progressed.accountsDone} accounts, ${progressed.groupsChanged} groups changed in ${seconds.toFixed(1)} s`
              : `recomputing ${job.solutionInterestId}: ${progressed.accountsDone}/${meta.total} accounts (${Math.round((100 * progressed.accountsDone) / Math.max(meta.total, 1))}%)`,
          );
        }
        if (finished) totals.delete(job.jobId);
        opts.onProgress?.({
          solutionInterestId: job.solutionInterestId,
          done: progressed.accountsDone,
          total: meta.total,
          changed: progressed.groupsChanged,
          finished,
        });
        return true;
      }),
  });
  return { start: () => loop.start(), stop: () => loop.stop() };
}
