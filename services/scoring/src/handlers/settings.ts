import type { EngagementConfig } from '../domain/engagement';

/** What every scoring path needs besides the database: the engagement rules, the step, and the clock. */
export interface ScoringSettings {
  engagement: EngagementConfig;
  /** Minimum move of a group's engagement for the clock alone (window, decay) to publish a version. */
  step: number;
  now: () => Date;
}
