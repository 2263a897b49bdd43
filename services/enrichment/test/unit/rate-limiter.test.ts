import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../src/resilience/rate-limiter';
import { fakeTime } from './support/fake-clock';

describe('TokenBucket', () => {
  it('lets a burst up to capacity through at once, then spaces calls at the refill rate', () => {
    const time = fakeTime();
    const bucket = new TokenBucket({ capacity: 3, refillPerSecond: 10, clock: time.clock });
    expect([bucket.reserve(), bucket.reserve(), bucket.reserve()]).toEqual([0, 0, 0]);
    // Queued callers wait in order: 100 ms, then 200 ms.
    expect(bucket.reserve()).toBe(100);
    expect(bucket.reserve()).toBe(200);
  });

  it('refills over time, but never beyond capacity', () => {
    const time = fakeTime();
    const bucket = new TokenBucket({ capacity: 2, refillPerSecond: 1, clock: time.clock });
    bucket.reserve();
    bucket.reserve();
    expect(bucket.reserve()).toBe(1000);
    time.advance(60_000);
    expect([bucket.reserve(), bucket.reserve(), bucket.reserve()]).toEqual([0, 0, 1000]);
  });
});
