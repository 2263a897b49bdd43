import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '@bg/service-kit';
import { enrichmentConfigSchema, linkedInSettings, zoomInfoSettings } from '../../src/config';

const base = { KAFKA_BROKERS: '127.0.0.1:9092', DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/bg' };
const zoomInfo = {
  ZOOMINFO_BASE_URL: 'https://api.zoominfo.com/',
  ZOOMINFO_USERNAME: 'user',
  ZOOMINFO_PASSWORD: 'secret',
};
const linkedIn = {
  LINKEDIN_BASE_URL: 'https://api.linkedin.com/rest',
  LINKEDIN_ACCESS_TOKEN: 'token',
  LINKEDIN_AD_ACCOUNT_ID: '507404993',
  LINKEDIN_VERSION: '202601',
  LINKEDIN_SOURCE_PLATFORM: 'PARTNER_X',
};

function issuesOf(env: Record<string, string>): string[] {
  try {
    loadConfig(enrichmentConfigSchema, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  return [];
}

describe('enrichment configuration', () => {
  it('runs with no provider at all, with the documented defaults', () => {
    const config = loadConfig(enrichmentConfigSchema, { ...base, ZOOMINFO_BASE_URL: '' });
    expect(zoomInfoSettings(config)).toBeUndefined();
    expect(linkedInSettings(config)).toBeUndefined();
    expect(config.ENRICHMENT_COOLDOWN_MS).toBe(24 * 60 * 60_000);
    expect(config.ENRICHMENT_SEARCH_LIMIT).toBe(5);
  });

  it('turns a provider on when all its variables are set', () => {
    const config = loadConfig(enrichmentConfigSchema, {
      ...base,
      ...zoomInfo,
      ...linkedIn,
      ENRICHMENT_REQUEST_BUDGET: '50',
    });
    expect(zoomInfoSettings(config)).toEqual({
      baseUrl: 'https://api.zoominfo.com',
      username: 'user',
      password: 'secret',
    });
    expect(linkedInSettings(config)).toMatchObject({ adAccountId: '507404993', linkedInVersion: '202601' });
    expect(config.ENRICHMENT_REQUEST_BUDGET).toBe(50);
  });

  it('refuses a partly configured provider, naming each missing variable', () => {
    const issues = issuesOf({ ...base, ZOOMINFO_BASE_URL: 'https://api.zoominfo.com', LINKEDIN_ACCESS_TOKEN: 'token' });
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^ZOOMINFO_USERNAME: required when zoominfo is configured/),
        expect.stringMatching(/^ZOOMINFO_PASSWORD: required when zoominfo is configured/),
        expect.stringMatching(/^LINKEDIN_BASE_URL: required when linkedin is configured/),
        expect.stringMatching(/^LINKEDIN_VERSION: required when linkedin is configured/),
      ]),
    );
    const named = issues.map((issue) => issue.split(':')[0]);
    expect(named).not.toContain('ZOOMINFO_BASE_URL');
    expect(named).not.toContain('LINKEDIN_ACCESS_TOKEN');
    expect(named).toHaveLength(6);
  });

  it('reports malformed values together', () => {
    const issues = issuesOf({ ...base, ...linkedIn, LINKEDIN_VERSION: '2026-01', ENRICHMENT_SEARCH_LIMIT: '0' });
    expect(issues).toEqual([
      expect.stringMatching(/^LINKEDIN_VERSION: must be YYYYMM/),
      expect.stringMatching(/^ENRICHMENT_SEARCH_LIMIT:/),
    ]);
  });
});
