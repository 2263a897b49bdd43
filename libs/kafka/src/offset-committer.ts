/** The next offset to read on one partition (what a commit stores: one past the last message applied). */
export type PartitionOffset = { topic: string; partition: number; offset: string };

/**
 * Commits a consumer's applied offsets at most once per `intervalMs`, and at the latest `intervalMs` after a message was
 * applied (so an idle consumer's lag reaches zero too).
 *
 * Why not kafkajs's own auto-commit: with `eachBatch` it commits after every batch whatever `autoCommitInterval` says
 * (tulios/kafkajs#1014), one OffsetCommit request per fetch — at 10 updates/s the broker's most frequent request, more
 * than fetches and produces together. What a crash leaves uncommitted is delivered again and changes nothing (every
 * handler is idempotent from the data).
 *
 * One commit at a time; offsets of a failed commit go back to pending unless a newer one for the partition came.
 */
export class OffsetCommitter {
  private readonly pending = new Map<string, PartitionOffset>();
  private timer: NodeJS.Timeout | null = null;
  private lastCommitAt = 0;
  private inFlight: Promise<void> | null = null;

  constructor(
    private readonly opts: {
      intervalMs: number;
      /** Commits through the running consumer (kafkajs `consumer.commitOffsets`). */
      commit: (offsets: PartitionOffset[]) => Promise<void>;
      onError: (error: unknown) => void;
      now?: () => number;
    },
  ) {}

  /** Everything up to and including `lastOffset` of the partition is applied. */
  applied(topic: string, partition: number, lastOffset: string): void {
    this.pending.set(keyOf(topic, partition), { topic, partition, offset: (BigInt(lastOffset) + 1n).toString() });
    this.schedule();
  }

  /** Commits what is pending now, through `via` (default: the constructor's `commit`), after any commit in flight. */
  async flush(via: (offsets: PartitionOffset[]) => Promise<void> = this.opts.commit): Promise<void> {
    while (this.inFlight) await this.inFlight;
    if (this.pending.size === 0) return;
    const offsets = [...this.pending.values()];
    this.pending.clear();
    this.lastCommitAt = this.now();
    this.inFlight = via(offsets)
      .catch((error: unknown) => {
        for (const o of offsets) {
          const key = keyOf(o.topic, o.partition);
          if (!this.pending.has(key)) this.pending.set(key, o);
        }
        this.opts.onError(error);
      })
      .finally(() => {
        this.inFlight = null;
      });
    await this.inFlight;
  }

  /** Drops what is pending for partitions this consumer no longer owns (after a rebalance). */
  retain(owned: (topic: string, partition: number) => boolean): void {
    for (const [key, o] of this.pending) if (!owned(o.topic, o.partition)) this.pending.delete(key);
  }

  /** Stops the timer; pending offsets stay (a last `flush` may still commit them). */
  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    if (this.timer) return;
    const wait = Math.max(0, this.lastCommitAt + this.opts.intervalMs - this.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush().then(() => {
        if (this.pending.size > 0) this.schedule();
      });
    }, wait);
    this.timer.unref();
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }
}

function keyOf(topic: string, partition: number): string {
  return `${partition}|${topic}`;
}
