import { fileURLToPath } from 'node:url';
import { startWorker, type Logger, type RunningWorker } from '@bg/service-kit';
import { engagementConfigOf, type ScoringConfig } from './config';
import { applyScoringEvents, scoringConsumer, scoringConsumes } from './handlers/apply-scoring-events';
import { rescoreJob } from './handlers/rescore';
import type { ScoringSettings } from './handlers/settings';

export const scoringSchema = 'scoring';
export const scoringMigrations = fileURLToPath(new URL('../migrations', import.meta.url));

export interface ScoringOptions {
  /** The clock of every score (window, decay, computedAt); tests move it by hand. */
  now?: () => Date;
}

/**
 * Turns role-assignment's membership changes and accepted activities into the public, versioned group-change stream and
 * the internal role-missing / role-filled events; re-scores active groups periodically as the clock moves.
 */
export function startScoring(
  config: ScoringConfig,
  logger: Logger,
  onFatal: (error: unknown) => void,
  options: ScoringOptions = {},
): Promise<RunningWorker> {
  const settings: ScoringSettings = {
    engagement: engagementConfigOf(config),
    step: config.ENGAGEMENT_STEP,
    now: options.now ?? (() => new Date()),
  };
  return startWorker({
    name: 'scoring',
    schema: scoringSchema,
    migrations: scoringMigrations,
    config,
    logger,
    onFatal,
    consumers: () => [
      {
        groupId: scoringConsumer,
        consumes: scoringConsumes,
        apply: (tx, events) => applyScoringEvents(tx, events, settings, logger),
      },
    ],
    background: ({ pool }) => [
      rescoreJob(pool, logger.child({ component: 'rescore' }), settings, {
        intervalMs: config.RESCORE_INTERVAL_MS,
        batchSize: config.RESCORE_BATCH_SIZE,
      }),
    ],
  });
}
