import { linkedInSettings, zoomInfoSettings, type EnrichmentConfig } from '../config';
import { CircuitBreaker } from '../resilience/circuit-breaker';
import type { Clock } from '../resilience/clock';
import { createHttpClient, type CallRecord, type HttpClient } from '../resilience/http-client';
import { TokenBucket } from '../resilience/rate-limiter';
import { RequestBudget } from '../resilience/request-budget';
import type { RetryPolicy } from '../resilience/retry';
import type { CompanyAudience } from './company-audience';
import type { ContactProvider } from './contact-provider';
import { createLinkedInAudiences } from './linkedin-audiences';
import { createZoomInfoProvider } from './zoominfo';

export type Providers = { contacts?: ContactProvider; audience?: CompanyAudience };

/**
 * Short retries in place only: a provider asking for a longer wait, or still failing after these, fails the job,
 * which the worker reschedules (next_attempt_at) without holding a slot while it waits.
 */
const IN_PLACE_RETRY: RetryPolicy = { maxAttempts: 3, baseDelayMs: 250, maxDelayMs: 5_000 };
const HOUR_MS = 60 * 60_000;

/**
 * Paces per provider. Assumed limits, to be checked against each contract: ZoomInfo 1,500 requests a minute (25/s, the
 * X-RateLimit-Limit its answers report); LinkedIn 300 requests a minute to DMP segment companies (5/s).
 */
const RATES = {
  zoominfo: { capacity: 25, refillPerSecond: 25 },
  linkedin: { capacity: 5, refillPerSecond: 5 },
} as const;

/** The providers that are configured, each with its own breaker, rate limiter and budget; none when none is. */
export function createProviders(
  config: EnrichmentConfig,
  deps: { clock: Clock; onCall: (call: CallRecord) => void },
): Providers {
  const http = (provider: keyof typeof RATES): HttpClient =>
    createHttpClient({
      provider,
      retry: IN_PLACE_RETRY,
      breaker: new CircuitBreaker({
        failureThreshold: config.ENRICHMENT_CIRCUIT_FAILURES,
        coolDownMs: config.ENRICHMENT_CIRCUIT_COOLDOWN_MS,
        clock: deps.clock,
      }),
      limiter: new TokenBucket({ ...RATES[provider], clock: deps.clock }),
      budget: new RequestBudget({ maxCalls: config.ENRICHMENT_REQUEST_BUDGET, periodMs: HOUR_MS, clock: deps.clock }),
      onCall: deps.onCall,
      clock: deps.clock,
    });
  const providers: Providers = {};
  const zoomInfo = zoomInfoSettings(config);
  if (zoomInfo) providers.contacts = createZoomInfoProvider(zoomInfo, { http: http('zoominfo'), clock: deps.clock });
  const linkedIn = linkedInSettings(config);
  if (linkedIn) providers.audience = createLinkedInAudiences(linkedIn, { http: http('linkedin'), clock: deps.clock });
  return providers;
}
