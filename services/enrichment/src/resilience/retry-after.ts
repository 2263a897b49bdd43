/** Above this, an `X-RateLimit-Reset` value is an epoch timestamp in seconds rather than a number of seconds to wait. */
const EPOCH_SECONDS_THRESHOLD = 1_000_000_000;

/**
 * Parses `Retry-After` (RFC 9110 §10.2.3): either delay-seconds or an HTTP-date. Returns the wait in milliseconds,
 * or undefined when the value is absent or unreadable (the caller then falls back to its own backoff).
 */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // All three HTTP-date forms start with the day name; Date.parse alone would read "-5" as the year -5.
  const at = /^[A-Za-z]{3}/.test(text) ? Date.parse(text) : Number.NaN;
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * How long the provider asked us to wait: `Retry-After` first; otherwise `X-RateLimit-Reset`, which ZoomInfo sends
 * as an epoch timestamp in seconds when its quota window resets.
 */
export function retryDelayFromHeaders(headers: Headers, now: number): number | undefined {
  const retryAfter = parseRetryAfter(headers.get('retry-after'), now);
  if (retryAfter !== undefined) return retryAfter;
  const reset = headers.get('x-ratelimit-reset')?.trim();
  if (!reset || !/^\d+$/.test(reset)) return undefined;
  const seconds = Number(reset);
  return seconds >= EPOCH_SECONDS_THRESHOLD ? Math.max(0, seconds * 1000 - now) : seconds * 1000;
}
