import type { Clock } from './clock';

export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. */
  failureThreshold: number;
  /** How long the circuit stays open before one probe call may test the provider again. */
  coolDownMs: number;
  clock: Clock;
}

/**
 * Stops calling a provider that keeps failing, so an outage costs one fast refusal per call instead of a timeout and a
 * retry storm, and lets a single probe through after the cool-down to find out whether it recovered.
 */
export class CircuitBreaker {
  private failures = 0;
  private openedAt: number | undefined;
  private probeInFlight = false;

  constructor(private readonly options: CircuitBreakerOptions) {}

  get state(): CircuitState {
    if (this.openedAt === undefined) return 'closed';
    return this.options.clock() - this.openedAt >= this.options.coolDownMs ? 'half-open' : 'open';
  }

  /** 0 when the call may go ahead; otherwise the milliseconds until the circuit may let a probe through. */
  tryAcquire(): number {
    const state = this.state;
    if (state === 'closed') return 0;
    if (state === 'half-open' && !this.probeInFlight) {
      this.probeInFlight = true;
      return 0;
    }
    if (state === 'open') return (this.openedAt ?? 0) + this.options.coolDownMs - this.options.clock();
    // Half-open with the probe still out: its verdict decides, so others wait as if the circuit were open.
    return this.options.coolDownMs;
  }

  recordSuccess(): void {
    this.failures = 0;
    this.openedAt = undefined;
    this.probeInFlight = false;
  }

  recordFailure(): void {
    this.failures += 1;
    // A failed probe re-opens at once: the provider has not recovered, so it gets a full cool-down again.
    if (this.probeInFlight || this.failures >= this.options.failureThreshold) {
      this.openedAt = this.options.clock();
      this.probeInFlight = false;
    }
  }
}
