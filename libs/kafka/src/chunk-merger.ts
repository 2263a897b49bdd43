/**
 * Applies chunks handed over at about the same time together, as one unit of work (group commit).
 *
 * A fetch brings one batch per partition that has data, and the consumer hands each partition's chunk over separately.
 * Under a light load each is a handful of events, and a unit of work costs mostly per unit (a transaction, its locks,
 * a dozen statements, an outbox wake-up), not per event: the chunks of one fetch — handed over in the same turn of the
 * event loop — go as one unit. While `maxInFlight` units run, later chunks wait and then go together.
 *
 * Each submitter gets the unit's result (or its error); a partition submits its next chunk only after its previous
 * one settled, so a partition's events stay in order within and across units.
 */
export class ChunkMerger<Chunk, Result> {
  private readonly waiting: Submission<Chunk, Result>[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly opts: {
      /** Applies the chunks as one unit; its result (or error) goes to every submitter. */
      apply: (chunks: Chunk[]) => Promise<Result>;
      /** How many items (events) a chunk holds. */
      sizeOf: (chunk: Chunk) => number;
      /** The most items in one unit; a chunk is never split, and a unit always takes at least one. */
      maxItems: number;
      /** Units applied side by side. */
      maxInFlight: number;
    },
  ) {}

  /** Resolves with the result of the unit this chunk went into, once that unit is done. */
  submit(chunk: Chunk): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      this.waiting.push({ chunk, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.waiting.length === 0 || this.inFlight >= this.opts.maxInFlight) return;
    this.scheduled = true;
    // setImmediate runs after the pending microtasks: every partition of the fetch has handed its chunk over by then.
    setImmediate(() => {
      this.scheduled = false;
      this.startUnit();
      this.schedule();
    });
  }

  private startUnit(): void {
    if (this.waiting.length === 0 || this.inFlight >= this.opts.maxInFlight) return;
    const { sizeOf, maxItems } = this.opts;
    const taken: Submission<Chunk, Result>[] = [this.waiting.shift()!];
    let items = sizeOf(taken[0]!.chunk);
    while (this.waiting.length > 0 && items + sizeOf(this.waiting[0]!.chunk) <= maxItems) {
      const next = this.waiting.shift()!;
      items += sizeOf(next.chunk);
      taken.push(next);
    }
    this.inFlight++;
    this.opts
      .apply(taken.map((s) => s.chunk))
      .then(
        (result) => taken.forEach((s) => s.resolve(result)),
        (error: unknown) => taken.forEach((s) => s.reject(error)),
      )
      .finally(() => {
        this.inFlight--;
        this.schedule();
      });
  }
}

type Submission<Chunk, Result> = {
  chunk: Chunk;
  resolve: (result: Result) => void;
  reject: (error: unknown) => void;
};
