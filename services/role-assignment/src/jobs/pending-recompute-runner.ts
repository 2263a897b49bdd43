import { NotifiedLoop, withTransaction, type Pool } from '@bg/postgres';
import type { Logger } from '@bg/service-kit';
import { takeRecomputes } from '../db/pending-recomputes';
import { liveSolutionInterests } from '../db/state';
import { recomputeGroups } from '../recompute';

/** Works off queued recomputations in batches, each batch one transaction; woken at commit by the queue's NOTIFY. */
export function createPendingRecomputeRunner(opts: {
  pool: Pool;
  databaseUrl: string;
  schema: string;
  logger: Logger;
  batchSize: number;
  now: () => string;
}): { start: () => Promise<void>; stop: () => Promise<void> } {
  const loop = new NotifiedLoop({
    databaseUrl: opts.databaseUrl,
    channel: `${opts.schema}_pending_recomputes`,
    logger: opts.logger,
    name: 'pending-recomputes',
    work: () =>
      withTransaction(opts.pool, async (tx) => {
        const targets = await takeRecomputes(tx, opts.batchSize);
        if (targets.length === 0) return false;
        const interests = new Map((await liveSolutionInterests(tx)).map((si) => [si.solutionInterestId, si]));
        await recomputeGroups(tx, targets, interests, opts.now());
        return true;
      }),
  });
  return { start: () => loop.start(), stop: () => loop.stop() };
}
