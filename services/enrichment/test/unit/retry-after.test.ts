import { describe, expect, it } from 'vitest';
import { parseRetryAfter, retryDelayFromHeaders } from '../../src/resilience/retry-after';

const now = Date.parse('2026-03-02T09:00:00Z');

describe('Retry-After', () => {
  it('reads delay-seconds as milliseconds', () => {
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
  });

  it('reads an HTTP-date as the time left until then, never negative', () => {
    expect(parseRetryAfter('Mon, 02 Mar 2026 09:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Mon, 02 Mar 2026 08:59:00 GMT', now)).toBe(0);
  });

  it('ignores absent or unreadable values, so the caller falls back to its own backoff', () => {
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
  });

  it('falls back to X-RateLimit-Reset, as an epoch timestamp or as seconds', () => {
    const epoch = String(now / 1000 + 45);
    expect(retryDelayFromHeaders(new Headers({ 'x-ratelimit-reset': epoch }), now)).toBe(45_000);
    expect(retryDelayFromHeaders(new Headers({ 'x-ratelimit-reset': '12' }), now)).toBe(12_000);
  });

  it('prefers Retry-After over X-RateLimit-Reset', () => {
    const headers = new Headers({ 'retry-after': '3', 'x-ratelimit-reset': String(now / 1000 + 60) });
    expect(retryDelayFromHeaders(headers, now)).toBe(3000);
    expect(retryDelayFromHeaders(new Headers(), now)).toBeUndefined();
  });
});
