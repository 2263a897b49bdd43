import type { Clock } from './clock';

export interface TokenBucketOptions {
  /** Calls that may go out back to back after a quiet period. */
  capacity: number;
  /** Sustained calls per second, e.g. the provider's documented limit divided by 60 for a per-minute quota. */
  refillPerSecond: number;
  clock: Clock;
}

/**
 * A token bucket per provider, so we pace ourselves below the provider's rate limit instead of learning it from 429s.
 * `reserve()` takes a token even when none is left (the balance goes negative) and says how long to wait: callers
 * queue up in order, each sleeps once, and no one spins re-checking the bucket.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(private readonly options: TokenBucketOptions) {
    this.tokens = options.capacity;
    this.updatedAt = options.clock();
  }

  /** Takes one token; returns 0 when it was available now, otherwise the milliseconds to wait before using it. */
  reserve(): number {
    this.refill();
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens / this.options.refillPerSecond) * 1000);
  }

  private refill(): void {
    const now = this.options.clock();
    const earned = ((now - this.updatedAt) / 1000) * this.options.refillPerSecond;
    this.tokens = Math.min(this.options.capacity, this.tokens + earned);
    this.updatedAt = now;
  }
}
