import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../src/resilience/circuit-breaker';
import { fakeTime } from './support/fake-clock';

function setup() {
  const time = fakeTime();
  const breaker = new CircuitBreaker({ failureThreshold: 3, coolDownMs: 30_000, clock: time.clock });
  return { time, breaker };
}

describe('CircuitBreaker', () => {
  it('stays closed below the threshold, and a success clears the count', () => {
    const { breaker } = setup();
    breaker.recordFailure();
    breaker.recordFailure();
    breaker.recordSuccess();
    breaker.recordFailure();
    breaker.recordFailure();
    expect(breaker.state).toBe('closed');
    expect(breaker.tryAcquire()).toBe(0);
  });

  it('opens after N consecutive failures and refuses calls for the cool-down', () => {
    const { time, breaker } = setup();
    for (let i = 0; i < 3; i += 1) breaker.recordFailure();
    expect(breaker.state).toBe('open');
    expect(breaker.tryAcquire()).toBe(30_000);
    time.advance(10_000);
    expect(breaker.tryAcquire()).toBe(20_000);
  });

  it('half-opens after the cool-down and lets exactly one probe through', () => {
    const { time, breaker } = setup();
    for (let i = 0; i < 3; i += 1) breaker.recordFailure();
    time.advance(30_000);
    expect(breaker.state).toBe('half-open');
    expect(breaker.tryAcquire()).toBe(0);
    expect(breaker.tryAcquire()).toBeGreaterThan(0);
  });

  it('closes when the probe succeeds', () => {
    const { time, breaker } = setup();
    for (let i = 0; i < 3; i += 1) breaker.recordFailure();
    time.advance(30_000);
    breaker.tryAcquire();
    breaker.recordSuccess();
    expect(breaker.state).toBe('closed');
    expect(breaker.tryAcquire()).toBe(0);
  });

  it('re-opens for a full cool-down when the probe fails', () => {
    const { time, breaker } = setup();
    for (let i = 0; i < 3; i += 1) breaker.recordFailure();
    time.advance(30_000);
    breaker.tryAcquire();
    breaker.recordFailure();
    expect(breaker.state).toBe('open');
    expect(breaker.tryAcquire()).toBe(30_000);
  });
});
