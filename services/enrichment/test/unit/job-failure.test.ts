import { describe, expect, it } from 'vitest';
import { afterFailure, NotReadyError } from '../../src/domain/job-failure';
import { ProviderError } from '../../src/resilience/provider-error';

const schedule = { maxAttempts: 4, baseDelayMs: 1_000, maxDelayMs: 10_000 };
const now = Date.parse('2026-11-26T10:00:00Z');
const unavailable = new ProviderError('unavailable', 'zoominfo', 'zoominfo: POST /search/contact answered 503', {
  status: 503,
});

describe('what happens to a failed job', () => {
  it('retries a provider outage with a doubling backoff, capped', () => {
    expect(afterFailure(unavailable, 1, schedule, now)).toEqual({
      action: 'retry',
      at: now + 1_000,
      reason: expect.stringContaining('unavailable: '),
    });
    expect(afterFailure(unavailable, 2, schedule, now)).toMatchObject({ action: 'retry', at: now + 2_000 });
    expect(afterFailure(unavailable, 3, { ...schedule, maxDelayMs: 3_000 }, now)).toMatchObject({
      action: 'retry',
      at: now + 3_000,
    });
  });

  it('waits at least as long as the provider asked (rate limit, budget reset, open circuit)', () => {
    for (const kind of ['rate-limited', 'budget-exhausted', 'circuit-open'] as const) {
      const error = new ProviderError(kind, 'zoominfo', kind, { retryAfterMs: 45 * 60_000 });
      expect(afterFailure(error, 1, schedule, now)).toMatchObject({ action: 'retry', at: now + 45 * 60_000 });
    }
  });

  it('parks the job once its attempts are used up, saying why', () => {
    const verdict = afterFailure(unavailable, 4, schedule, now);
    expect(verdict.action).toBe('park');
    expect(verdict.reason).toContain('gave up after 4 attempts');
    expect(verdict.reason).toContain('503');
  });

  it('parks at once what no retry can cure: bad credentials, a refused request', () => {
    expect(
      afterFailure(new ProviderError('auth', 'zoominfo', 'answered 401', { status: 401 }), 1, schedule, now).action,
    ).toBe('park');
    expect(
      afterFailure(new ProviderError('rejected', 'linkedin', 'answered 422', { status: 422 }), 1, schedule, now).action,
    ).toBe('park');
  });

  it('retries a job whose data has not arrived yet', () => {
    expect(afterFailure(new NotReadyError('account a1 is not known yet'), 1, schedule, now)).toMatchObject({
      action: 'retry',
      reason: 'account a1 is not known yet',
    });
  });
});
