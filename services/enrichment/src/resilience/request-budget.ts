import type { Clock } from './clock';

export interface RequestBudgetOptions {
  /** Calls allowed per period — contact-data providers bill per call or per record, so this caps the spend. */
  maxCalls: number;
  periodMs: number;
  clock: Clock;
}

/**
 * A hard cap on calls per period (a fixed window that starts with the first call after the previous one ended).
 * Unlike the rate limiter it never waits: beyond the cap it refuses, and the caller parks the work until the reset.
 */
export class RequestBudget {
  private used = 0;
  private windowStart: number | undefined;

  constructor(private readonly options: RequestBudgetOptions) {}

  remaining(): number {
    this.roll();
    return this.options.maxCalls - this.used;
  }

  /** Milliseconds until the current window ends and the budget is whole again (0 when no window is running). */
  msUntilReset(): number {
    this.roll();
    return this.windowStart === undefined ? 0 : this.windowStart + this.options.periodMs - this.options.clock();
  }

  /** Spends one call; false (and nothing spent) when the budget is used up. */
  tryConsume(): boolean {
    if (this.remaining() <= 0) return false;
    this.windowStart ??= this.options.clock();
    this.used += 1;
    return true;
  }

  private roll(): void {
    if (this.windowStart !== undefined && this.options.clock() - this.windowStart >= this.options.periodMs) {
      this.windowStart = undefined;
      this.used = 0;
    }
  }
}
