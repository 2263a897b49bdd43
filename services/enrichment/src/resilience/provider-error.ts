/**
 * Why a provider call failed, as the caller needs to act on it:
 * - `rate-limited`, `unavailable`, `circuit-open`, `budget-exhausted`: try again later (`retryAfterMs` when known);
 * - `auth`: credentials are wrong or expired — an operator must act;
 * - `bad-response`: the provider answered something we cannot read (malformed JSON, unexpected shape);
 * - `rejected`: the provider refused the request itself (4xx other than 401/403/429) — retrying will not help.
 */
export type ProviderErrorKind =
  'rate-limited' | 'unavailable' | 'bad-response' | 'rejected' | 'auth' | 'budget-exhausted' | 'circuit-open';

export interface ProviderErrorDetails {
  status?: number;
  retryAfterMs?: number;
  cause?: unknown;
}

export class ProviderError extends Error {
  override readonly name = 'ProviderError';
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(
    readonly kind: ProviderErrorKind,
    readonly provider: string,
    message: string,
    details: ProviderErrorDetails = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.status = details.status;
    this.retryAfterMs = details.retryAfterMs;
  }
}
