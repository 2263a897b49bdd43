import { ProviderError, type ProviderErrorKind } from '../resilience/provider-error';

export type RetrySchedule = {
  /** Attempts before the job is parked. */
  maxAttempts: number;
  /** Wait after the first failed attempt; doubles per attempt. */
  baseDelayMs: number;
  /** Ceiling of our own backoff (a provider's Retry-After may ask for longer and is honoured). */
  maxDelayMs: number;
};

export type FailureVerdict = { action: 'retry'; at: number; reason: string } | { action: 'park'; reason: string };

/** A job that cannot run yet for want of data that is on its way (e.g. the account record), not a provider fault. */
export class NotReadyError extends Error {
  override readonly name = 'NotReadyError';
}

/** Failures no later identical call can cure: an operator must fix credentials or the request. */
const PARK_AT_ONCE: ReadonlySet<ProviderErrorKind> = new Set(['auth', 'rejected']);

const MAX_REASON_CHARS = 500;

/**
 * What to do with a job whose attempt number `attempts` failed: park it when retrying cannot help or the attempts are
 * used up, otherwise retry after an exponential backoff — or after the provider's own hint (Retry-After, the budget's
 * reset, the circuit's cool-down) when that is later. Only that job waits; the worker goes on with the others.
 */
export function afterFailure(error: unknown, attempts: number, schedule: RetrySchedule, now: number): FailureVerdict {
  const reason = describeFailure(error);
  if (error instanceof ProviderError && PARK_AT_ONCE.has(error.kind)) return { action: 'park', reason };
  if (attempts >= schedule.maxAttempts)
    return { action: 'park', reason: `gave up after ${attempts} attempts: ${reason}`.slice(0, MAX_REASON_CHARS) };
  const backoff = Math.min(schedule.maxDelayMs, schedule.baseDelayMs * 2 ** Math.max(0, attempts - 1));
  const hinted = error instanceof ProviderError ? (error.retryAfterMs ?? 0) : 0;
  return { action: 'retry', at: now + Math.max(backoff, hinted), reason };
}

export function describeFailure(error: unknown): string {
  const text =
    error instanceof ProviderError
      ? `${error.kind}: ${error.message}`
      : error instanceof Error
        ? error.message
        : String(error);
  return text.slice(0, MAX_REASON_CHARS);
}
