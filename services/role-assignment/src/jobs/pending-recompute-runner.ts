import { enqueue, NotifiedLoop, withTransaction, type Pool } from '@bg/postgres';
import type { BackgroundJob, Logger } from '@bg/service-kit';
import { takeRecomputes } from '../db/pending-recomputes';
import type { InterestCache } from '../interest-cache';
import { recomputeGroups } from '../recompute';

/** Works off queued recomputations in batches, each batch one transaction; woken at commit by the queue's NOTIFY. */
export function createPendingRecomputeRunner(opts: {
  pool: Pool;
  databaseUrl: string;
  schema: string;
  logger: Logger;
  batchSize: number;
  interests: InterestCache;
  now: () => string;
}): BackgroundJob {
  const loop = new NotifiedLoop({
    databaseUrl: opts.databaseUrl,
    channel: `${opts.schema}_pending_recomputes`,
    logger: opts.logger,
    name: 'pending-recomputes',
    work: () =>
      withTransaction(opts.pool, async (tx) => {
        const targets = await takeRecomputes(tx, opts.batchSize);
        if (targets.length === 0) return false;
        // takeRecomputes holds these groups' locks already: nothing is deferred.
        const { outbox } = await recomputeGroups(tx, targets, await opts.interests.current(tx), opts.now());
        await enqueue(tx, outbox);
        return true;
      }),
  });
  return {
    start: () => loop.start(),
    stop: () => loop.stop(),
  };
}
