import { z } from 'zod';
import { baseConfigShape, cpuNiceness } from '@bg/service-kit';

/** An unset variable and an empty one (`ZOOMINFO_BASE_URL=` in a compose file) both mean "not configured". */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (typeof value === 'string' && value.trim() === '' ? undefined : value), schema.optional());

const httpUrl = z.url({ protocol: /^https?$/ }).transform((url) => url.replace(/\/+$/, ''));
const positiveInt = z.coerce.number().int().min(1);

/** Each provider is off unless every one of its variables is set; some but not all is a mistake worth stopping for. */
export const providerVariables = {
  zoominfo: ['ZOOMINFO_BASE_URL', 'ZOOMINFO_USERNAME', 'ZOOMINFO_PASSWORD'],
  linkedin: [
    'LINKEDIN_BASE_URL',
    'LINKEDIN_ACCESS_TOKEN',
    'LINKEDIN_AD_ACCOUNT_ID',
    'LINKEDIN_VERSION',
    'LINKEDIN_SOURCE_PLATFORM',
  ],
} as const;

export const enrichmentConfigSchema = z
  .object({
    ...baseConfigShape,
    /** Enrichment follows role gaps, off the path that publishes group versions: it yields the CPU to that path. */
    CPU_NICENESS: cpuNiceness(10),
    /** `https://api.zoominfo.com` in production. */
    ZOOMINFO_BASE_URL: optional(httpUrl),
    ZOOMINFO_USERNAME: optional(z.string()),
    ZOOMINFO_PASSWORD: optional(z.string()),
    /** `https://api.linkedin.com/rest` in production. */
    LINKEDIN_BASE_URL: optional(httpUrl),
    LINKEDIN_ACCESS_TOKEN: optional(z.string()),
    LINKEDIN_AD_ACCOUNT_ID: optional(z.string().regex(/^\d+$/, 'must be the numeric sponsored account id')),
    /** Versioned Marketing API, `YYYYMM`. */
    LINKEDIN_VERSION: optional(z.string().regex(/^\d{6}$/, 'must be YYYYMM')),
    /** The `sourcePlatform` LinkedIn assigns with Audiences API access; required to create a segment. */
    LINKEDIN_SOURCE_PLATFORM: optional(z.string()),
    /** No second lookup for the same (account, solution interest, role) within this time. */
    ENRICHMENT_COOLDOWN_MS: z.coerce
      .number()
      .int()
      .min(0)
      .default(24 * 60 * 60_000),
    /** Calls per provider per hour; beyond it jobs wait for the next window instead of spending more. */
    ENRICHMENT_REQUEST_BUDGET: positiveInt.default(1000),
    /** People asked for per search. */
    ENRICHMENT_SEARCH_LIMIT: positiveInt.max(100).default(5),
    /** Attempts of a job (each with the HTTP client's own short retries) before it is parked for an operator. */
    ENRICHMENT_MAX_ATTEMPTS: positiveInt.default(5),
    /** First wait between job attempts; doubles per attempt up to an hour, or longer when the provider says so. */
    ENRICHMENT_RETRY_BASE_MS: positiveInt.default(60_000),
    /** Jobs run at once; a slow provider call holds one slot, not the worker. */
    ENRICHMENT_CONCURRENCY: positiveInt.max(64).default(4),
    /** How often the worker looks for due jobs when nothing woke it. */
    ENRICHMENT_POLL_INTERVAL_MS: positiveInt.default(1_000),
    /** A claimed job not finished within this time is taken over by another worker (its process died). */
    ENRICHMENT_JOB_LEASE_MS: positiveInt.default(5 * 60_000),
    /** Consecutive provider failures that open its circuit, and how long it stays open. */
    ENRICHMENT_CIRCUIT_FAILURES: positiveInt.default(5),
    ENRICHMENT_CIRCUIT_COOLDOWN_MS: positiveInt.default(30_000),
  })
  .superRefine((config, ctx) => {
    for (const [provider, names] of Object.entries(providerVariables)) {
      const missing = names.filter((name) => config[name] === undefined);
      if (missing.length === 0 || missing.length === names.length) continue;
      for (const name of missing) {
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: `required when ${provider} is configured (${names.join(', ')})`,
        });
      }
    }
  });
export type EnrichmentConfig = z.infer<typeof enrichmentConfigSchema>;

export type ZoomInfoSettings = { baseUrl: string; username: string; password: string };
export type LinkedInSettings = {
  baseUrl: string;
  accessToken: string;
  adAccountId: string;
  linkedInVersion: string;
  sourcePlatform: string;
};

/** The ZoomInfo settings when ZoomInfo is configured (the schema guarantees all or none). */
export function zoomInfoSettings(config: EnrichmentConfig): ZoomInfoSettings | undefined {
  const { ZOOMINFO_BASE_URL: baseUrl, ZOOMINFO_USERNAME: username, ZOOMINFO_PASSWORD: password } = config;
  return baseUrl && username && password ? { baseUrl, username, password } : undefined;
}

export function linkedInSettings(config: EnrichmentConfig): LinkedInSettings | undefined {
  const baseUrl = config.LINKEDIN_BASE_URL;
  const accessToken = config.LINKEDIN_ACCESS_TOKEN;
  const adAccountId = config.LINKEDIN_AD_ACCOUNT_ID;
  const linkedInVersion = config.LINKEDIN_VERSION;
  const sourcePlatform = config.LINKEDIN_SOURCE_PLATFORM;
  return baseUrl && accessToken && adAccountId && linkedInVersion && sourcePlatform
    ? { baseUrl, accessToken, adAccountId, linkedInVersion, sourcePlatform }
    : undefined;
}
