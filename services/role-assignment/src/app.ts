import { fileURLToPath } from 'node:url';
import { startWorker, type Logger, type RunningWorker } from '@bg/service-kit';
import type { RoleAssignmentConfig } from './config';
import { applyEvents, roleAssignmentConsumer, roleAssignmentConsumes } from './handlers/apply-events';
import { InterestCache } from './interest-cache';
import { createPendingRecomputeRunner } from './jobs/pending-recompute-runner';
import { createRecomputeJobRunner } from './jobs/recompute-job-runner';

export const roleAssignmentSchema = 'role_assignment';
export const roleAssignmentMigrations = fileURLToPath(new URL('../migrations', import.meta.url));

/**
 * The only writer of membership: consumes record changes, component definitions and member commands, keeps every
 * buying group's membership current and emits what changed in it.
 */
export function startRoleAssignment(
  config: RoleAssignmentConfig,
  logger: Logger,
  onFatal: (error: unknown) => void,
  now: () => string = () => new Date().toISOString(),
): Promise<RunningWorker> {
  const interests = new InterestCache();
  return startWorker({
    name: 'role-assignment',
    schema: roleAssignmentSchema,
    migrations: roleAssignmentMigrations,
    config,
    logger,
    onFatal,
    consumers: () => [
      {
        groupId: roleAssignmentConsumer,
        consumes: roleAssignmentConsumes,
        apply: (tx, events) => applyEvents(tx, events, { logger, interests, now }),
      },
    ],
    background: ({ pool }) => [
      createRecomputeJobRunner({
        pool,
        databaseUrl: config.DATABASE_URL,
        schema: roleAssignmentSchema,
        logger: logger.child({ component: 'recompute-jobs' }),
        page: { accounts: config.RECOMPUTE_PAGE_SIZE, people: config.RECOMPUTE_PAGE_PEOPLE },
        interests,
        now,
      }),
      createPendingRecomputeRunner({
        pool,
        databaseUrl: config.DATABASE_URL,
        schema: roleAssignmentSchema,
        logger: logger.child({ component: 'pending-recomputes' }),
        // Small batches: a consumer chunk that needs one of these accounts waits for one short transaction at most
        // (10 rather than 50: the chunks' lock waits in the quick bench fell 913 -> 379 ms at 200/s, 4.5 -> 1.2 s at
        // 1000/s).
        batchSize: 10,
        interests,
        now,
      }),
    ],
  });
}
