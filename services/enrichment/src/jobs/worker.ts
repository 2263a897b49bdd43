import type { Logger } from '@bg/service-kit';

export type Task = () => Promise<void>;

/** Somewhere work comes from: `claim` takes up to `limit` due items (with a lease) and returns how to run each. */
export type JobSource = { name: string; claim: (limit: number) => Promise<Task[]> };

export type JobWorkerOptions = {
  sources: JobSource[];
  /** Tasks running at once across all sources. */
  concurrency: number;
  /** Safety net: look for due work this often even when nothing pokes the worker (retries come due by time). */
  pollIntervalMs: number;
  logger: Logger;
};

/**
 * Runs claimed jobs in the background, up to `concurrency` at a time, refilling a slot as soon as a job ends, so one
 * slow or failing provider call holds one slot and never the consumer or the other accounts' jobs. Woken by the
 * consumer after a commit that created work, by a finished job, and by a timer.
 */
export class JobWorker {
  private running = false;
  private pending = false;
  private wakeup: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private next = 0;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly opts: JobWorkerOptions) {}

  async start(): Promise<void> {
    if (this.opts.sources.length === 0) return;
    this.running = true;
    this.timer = setInterval(() => this.poke(), this.opts.pollIntervalMs);
    this.pending = true;
    this.loop = this.run();
  }

  /** Stops claiming, then waits for the jobs in flight (a job cut off here would only be re-run after its lease). */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearInterval(this.timer);
    this.poke();
    await this.loop;
    await Promise.allSettled([...this.inFlight]);
  }

  poke(): void {
    this.pending = true;
    this.wakeup?.();
  }

  private async run(): Promise<void> {
    while (this.running) {
      if (!this.pending) await new Promise<void>((resolve) => (this.wakeup = resolve));
      this.wakeup = null;
      this.pending = false;
      if (!this.running) break;
      try {
        await this.fill();
      } catch (error) {
        // Claiming failed (database away): the timer tries again; jobs already claimed keep their leases.
        this.opts.logger.error({ err: error }, 'claiming jobs failed');
      }
    }
  }

  /** Offers the free slots to each source in turn, starting with a different one each time so none starves. */
  private async fill(): Promise<void> {
    const { sources } = this.opts;
    for (let i = 0; i < sources.length; i++) {
      const free = this.opts.concurrency - this.inFlight.size;
      if (free <= 0 || !this.running) return;
      const source = sources[(this.next + i) % sources.length]!;
      for (const task of await source.claim(free)) this.track(source.name, task);
    }
    this.next = (this.next + 1) % sources.length;
  }

  private track(source: string, task: Task): void {
    const running = task()
      .catch((error: unknown) =>
        this.opts.logger.error(
          { err: error, source },
          'job failed to record its outcome; it runs again after its lease',
        ),
      )
      .finally(() => {
        this.inFlight.delete(running);
        this.poke();
      });
    this.inFlight.add(running);
  }
}
