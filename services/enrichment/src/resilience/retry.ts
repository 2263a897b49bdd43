import type { Sleep } from './clock';
import { ProviderError, type ProviderErrorKind } from './provider-error';

export interface RetryPolicy {
  /** Total attempts, the first included. */
  maxAttempts: number;
  /** Ceiling of the first backoff; doubles on each further attempt. */
  baseDelayMs: number;
  /** No single wait exceeds this; a provider asking for longer is not retried here, so the caller can park the work. */
  maxDelayMs: number;
}

export interface RetryDeps {
  sleep: Sleep;
  /** A number in [0, 1); injected so tests get deterministic jitter. */
  random: () => number;
}

/** Only failures that a later identical call can cure are retried; the others would fail the same way again. */
const RETRYABLE: ReadonlySet<ProviderErrorKind> = new Set(['rate-limited', 'unavailable']);

/**
 * The wait before the next attempt, or undefined when the error must not be retried. The provider's own hint
 * (Retry-After) wins; otherwise exponential backoff with "equal jitter" — half fixed, half random — so that replicas
 * failing together do not retry in lockstep, yet every wait still grows.
 */
export function retryDelay(
  error: unknown,
  attempt: number,
  policy: RetryPolicy,
  random: () => number,
): number | undefined {
  if (!(error instanceof ProviderError) || !RETRYABLE.has(error.kind)) return undefined;
  if (error.retryAfterMs !== undefined) {
    return error.retryAfterMs <= policy.maxDelayMs ? error.retryAfterMs : undefined;
  }
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** Runs `run` until it succeeds, the error is not retryable, or `maxAttempts` is reached; rethrows the last error. */
export async function withRetry<T>(
  run: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  deps: RetryDeps,
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await run(attempt);
    } catch (error) {
      const wait = attempt < policy.maxAttempts ? retryDelay(error, attempt, policy, deps.random) : undefined;
      if (wait === undefined) throw error;
      await deps.sleep(wait);
    }
  }
}
