import { describe, expect, it } from 'vitest';
import { ProviderError, type ProviderErrorKind } from '../../src/resilience/provider-error';
import { withRetry, type RetryPolicy } from '../../src/resilience/retry';

const policy: RetryPolicy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1000 };
const failure = (kind: ProviderErrorKind, retryAfterMs?: number) =>
  new ProviderError(kind, 'test', kind, retryAfterMs === undefined ? {} : { retryAfterMs });

/** Fails with the given errors in turn, then answers 'done'. */
function scripted(...errors: Error[]) {
  const attempts: number[] = [];
  const run = async (attempt: number) => {
    attempts.push(attempt);
    const error = errors[attempt - 1];
    if (error) throw error;
    return 'done';
  };
  return { run, attempts };
}

function recorder(random = 0) {
  const sleeps: number[] = [];
  return { sleeps, deps: { sleep: async (ms: number) => void sleeps.push(ms), random: () => random } };
}

describe('withRetry', () => {
  it('retries a provider outage with exponentially growing, jittered waits until it answers', async () => {
    const { run, attempts } = scripted(failure('unavailable'), failure('unavailable'), failure('unavailable'));
    const low = recorder(0);
    await expect(withRetry(run, policy, low.deps)).resolves.toBe('done');
    expect(attempts).toEqual([1, 2, 3, 4]);
    // Equal jitter: each wait lies between half and all of 100, 200, 400 ms.
    expect(low.sleeps).toEqual([50, 100, 200]);

    const high = recorder(0.999);
    await withRetry(scripted(failure('unavailable'), failure('unavailable')).run, policy, high.deps);
    expect(high.sleeps).toEqual([100, 200]);
  });

  it('waits what the provider asked for on a 429', async () => {
    const { run } = scripted(failure('rate-limited', 700));
    const { sleeps, deps } = recorder();
    await expect(withRetry(run, policy, deps)).resolves.toBe('done');
    expect(sleeps).toEqual([700]);
  });

  it('does not sit out a wait longer than maxDelayMs: the error goes up so the work can be parked', async () => {
    const { run, attempts } = scripted(failure('rate-limited', 60_000));
    const { sleeps, deps } = recorder();
    await expect(withRetry(run, policy, deps)).rejects.toMatchObject({ kind: 'rate-limited', retryAfterMs: 60_000 });
    expect(attempts).toEqual([1]);
    expect(sleeps).toEqual([]);
  });

  it('caps backoff at maxDelayMs', async () => {
    const errors = Array.from({ length: 6 }, () => failure('unavailable'));
    const { sleeps, deps } = recorder(0.999);
    await expect(withRetry(scripted(...errors).run, { ...policy, maxAttempts: 7 }, deps)).resolves.toBe('done');
    expect(Math.max(...sleeps)).toBe(1000);
  });

  it.each<ProviderErrorKind>(['bad-response', 'rejected', 'auth', 'budget-exhausted', 'circuit-open'])(
    'does not retry %s: the same call would fail the same way',
    async (kind) => {
      const { run, attempts } = scripted(failure(kind));
      await expect(withRetry(run, policy, recorder().deps)).rejects.toMatchObject({ kind });
      expect(attempts).toEqual([1]);
    },
  );

  it('does not retry errors it does not know', async () => {
    const { run, attempts } = scripted(new TypeError('bug'));
    await expect(withRetry(run, policy, recorder().deps)).rejects.toThrow('bug');
    expect(attempts).toEqual([1]);
  });

  it('gives up after maxAttempts with the last error', async () => {
    const errors = Array.from({ length: 4 }, (_, i) => new ProviderError('unavailable', 'test', `failure ${i + 1}`));
    const { run, attempts } = scripted(...errors);
    await expect(withRetry(run, policy, recorder().deps)).rejects.toThrow('failure 4');
    expect(attempts).toEqual([1, 2, 3, 4]);
  });
});
