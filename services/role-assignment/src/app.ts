import { fileURLToPath } from 'node:url';
import {
  Topics,
  accountChangedSchema,
  activityAcceptedSchema,
  internalEventTypes,
  memberCommandSchema,
  opportunityChangedSchema,
  personChangedSchema,
  solutionInterestDefinedSchema,
  solutionInterestDeletedSchema,
} from '@bg/contracts';
import { startWorker, type Logger, type RunningWorker } from '@bg/service-kit';
import type { RoleAssignmentConfig } from './config';
import { applyEvents, roleAssignmentConsumer } from './handlers/apply-events';
import { createRecomputeJobRunner } from './jobs/recompute-job-runner';
import { createPendingRecomputeRunner } from './jobs/pending-recompute-runner';

export const roleAssignmentSchema = 'role_assignment';
export const roleAssignmentMigrations = fileURLToPath(new URL('../migrations', import.meta.url));

/**
 * The only writer of membership: consumes record changes, component definitions and member commands, keeps every
 * buying group's membership current and emits `group recomputed` when it changes.
 */
export function startRoleAssignment(
  config: RoleAssignmentConfig,
  logger: Logger,
  onFatal: (error: unknown) => void,
  now: () => string = () => new Date().toISOString(),
): Promise<RunningWorker> {
  return startWorker({
    name: 'role-assignment',
    schema: roleAssignmentSchema,
    config,
    logger,
    onFatal,
    consumers: ({ pool }) => [
      {
        groupId: roleAssignmentConsumer,
        topics: {
          [Topics.recordChanges]: {
            [internalEventTypes.personChanged]: personChangedSchema,
            [internalEventTypes.accountChanged]: accountChangedSchema,
            [internalEventTypes.activityAccepted]: activityAcceptedSchema,
            [internalEventTypes.opportunityChanged]: opportunityChangedSchema,
          },
          [Topics.components]: {
            [internalEventTypes.solutionInterestDefined]: solutionInterestDefinedSchema,
            [internalEventTypes.solutionInterestDeleted]: solutionInterestDeletedSchema,
          },
          [Topics.memberCommands]: { [internalEventTypes.memberCommand]: memberCommandSchema },
        },
        handle: async (events) => {
          await applyEvents(pool, logger, events, now);
        },
      },
    ],
    background: ({ pool }) => [
      createRecomputeJobRunner({
        pool,
        databaseUrl: config.DATABASE_URL,
        schema: roleAssignmentSchema,
        logger: logger.child({ component: 'recompute-jobs' }),
        pageSize: config.RECOMPUTE_PAGE_SIZE,
        now,
      }),
      createPendingRecomputeRunner({
        pool,
        databaseUrl: config.DATABASE_URL,
        schema: roleAssignmentSchema,
        logger: logger.child({ component: 'pending-recomputes' }),
        batchSize: config.RECOMPUTE_PAGE_SIZE,
        now,
      }),
    ],
  });
}
