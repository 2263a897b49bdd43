import { ConfigError, loadConfig } from '@bg/service-kit';
import { describe, expect, it } from 'vitest';
import { defaultEngagementConfig } from '../../src/domain/engagement';
import { engagementConfigOf, scoringConfigSchema } from '../../src/config';

const base = { KAFKA_BROKERS: 'localhost:9092', DATABASE_URL: 'postgres://postgres@localhost/bg' };

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(scoringConfigSchema, { ...base, ...env });
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  return [];
}

describe('scoring configuration', () => {
  it('defaults to the product’s engagement settings, a step of 5 and a re-score every minute', () => {
    const config = loadConfig(scoringConfigSchema, base);
    expect(config).toMatchObject({ ENGAGEMENT_STEP: 5, RESCORE_INTERVAL_MS: 60_000 });
    expect(engagementConfigOf(config)).toEqual(defaultEngagementConfig);
  });

  it('reads the window, cap, half-life and weights, keeping the default weight of the types not named', () => {
    const config = loadConfig(scoringConfigSchema, {
      ...base,
      ENGAGEMENT_WINDOW_DAYS: '14',
      ENGAGEMENT_DAILY_CAP: '5',
      ENGAGEMENT_HALF_LIFE_DAYS: '7',
      ENGAGEMENT_WEIGHTS: '{"meeting.completed": 30}',
    });
    const engagement = engagementConfigOf(config);
    expect(engagement).toMatchObject({ windowDays: 14, dailyCapPerType: 5, halfLifeDays: 7 });
    expect(engagement.weights['meeting.completed']).toBe(30);
    expect(engagement.weights['email.opened']).toBe(defaultEngagementConfig.weights['email.opened']);
  });

  it('reports every bad setting at once', () => {
    const issues = problems({
      ENGAGEMENT_WEIGHTS: '{"email.opened": -1}',
      ENGAGEMENT_STEP: '0',
      ENGAGEMENT_DAILY_CAP: '1.5',
    });
    expect(issues.map((issue) => issue.split(':')[0])).toEqual(
      expect.arrayContaining(['ENGAGEMENT_WEIGHTS.email.opened', 'ENGAGEMENT_STEP', 'ENGAGEMENT_DAILY_CAP']),
    );
  });

  it('rejects weights that are not JSON or name an unknown activity type', () => {
    expect(problems({ ENGAGEMENT_WEIGHTS: '{x' })[0]).toMatch(/^ENGAGEMENT_WEIGHTS: not valid JSON/);
    expect(problems({ ENGAGEMENT_WEIGHTS: '{"email.bounced": 1}' })).toHaveLength(1);
  });
});
