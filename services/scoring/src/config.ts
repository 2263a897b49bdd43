import { z } from 'zod';
import { activityTypes } from '@bg/contracts';
import { baseConfigShape } from '@bg/service-kit';
import { createEngagementConfig, type EngagementConfig } from './domain/engagement';

/** `{"meeting.completed": 25, …}`: points per activity type, replacing the defaults of the types it names. */
const weightsJson = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: `not valid JSON: ${(error as Error).message}` });
      return z.NEVER;
    }
  })
  .pipe(z.partialRecord(z.enum(activityTypes), z.number().min(0)));

export const scoringConfigSchema = z.object({
  ...baseConfigShape,
  /** Look-back window of the engagement score. */
  ENGAGEMENT_WINDOW_DAYS: z.coerce.number().positive().default(30),
  /** Activities of one type counted per person per day of occurrence. */
  ENGAGEMENT_DAILY_CAP: z.coerce.number().int().min(1).default(20),
  /** Half-life of an activity's weight; unset means no decay within the window. */
  ENGAGEMENT_HALF_LIFE_DAYS: z.coerce.number().positive().optional(),
  /** Points that make an engagement score of 100. */
  ENGAGEMENT_MAX_POINTS: z.coerce.number().positive().default(100),
  ENGAGEMENT_WEIGHTS: weightsJson.optional(),
  /** How far a group's engagement must move with the clock alone (window, decay) to publish a version. */
  ENGAGEMENT_STEP: z.coerce.number().int().min(1).max(100).default(5),
  /** Period of the re-score that applies the window and the decay to active groups. */
  RESCORE_INTERVAL_MS: z.coerce.number().int().min(10).default(60_000),
  /** Groups re-scored per transaction. */
  RESCORE_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(200),
});
export type ScoringConfig = z.infer<typeof scoringConfigSchema>;

export function engagementConfigOf(config: ScoringConfig): EngagementConfig {
  return createEngagementConfig({
    windowDays: config.ENGAGEMENT_WINDOW_DAYS,
    dailyCapPerType: config.ENGAGEMENT_DAILY_CAP,
    halfLifeDays: config.ENGAGEMENT_HALF_LIFE_DAYS ?? null,
    maxPoints: config.ENGAGEMENT_MAX_POINTS,
    weights: config.ENGAGEMENT_WEIGHTS ?? {},
  });
}
