import { describe, expect, it } from 'vitest';
import { ChunkMerger } from '../../src/chunk-merger';

/** A merger whose units wait until the test releases them, recording what each unit held. */
function recordingMerger(opts: { maxItems: number; maxInFlight: number; fail?: (chunks: string[][]) => boolean }) {
  const units: string[][][] = [];
  const releases: (() => void)[] = [];
  const merger = new ChunkMerger<string[], number>({
    sizeOf: (chunk) => chunk.length,
    maxItems: opts.maxItems,
    maxInFlight: opts.maxInFlight,
    apply: async (chunks) => {
      units.push(chunks);
      const unit = units.length;
      await new Promise<void>((resolve) => releases.push(resolve));
      if (opts.fail?.(chunks)) throw new Error(`unit ${unit} failed`);
      return unit;
    },
  });
  /** Lets every unit started so far finish. */
  const releaseAll = () => {
    while (releases.length > 0) releases.shift()!();
  };
  /** Waits (a bounded number of event-loop turns) until `count` units have started. */
  const started = async (count: number) => {
    for (let turn = 0; turn < 50 && units.length < count; turn++) await tick();
    expect(units).toHaveLength(count);
  };
  return { merger, units, releaseAll, started };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('ChunkMerger', () => {
  it('applies the chunks handed over in the same turn of the event loop as one unit, and answers each', async () => {
    const { merger, units, releaseAll, started } = recordingMerger({ maxItems: 100, maxInFlight: 1 });
    const answers = [merger.submit(['a1', 'a2']), merger.submit(['b1']), merger.submit(['c1', 'c2'])];
    await started(1);
    expect(units).toEqual([[['a1', 'a2'], ['b1'], ['c1', 'c2']]]);
    releaseAll();
    expect(await Promise.all(answers)).toEqual([1, 1, 1]);
  });

  it('never puts more than maxItems in a unit, never splits a chunk, and keeps the order of hand-over', async () => {
    const { merger, units, releaseAll, started } = recordingMerger({ maxItems: 3, maxInFlight: 1 });
    const answers = [
      merger.submit(['a1', 'a2']),
      merger.submit(['b1']),
      merger.submit(['c1', 'c2']),
      merger.submit(['d1', 'd2', 'd3', 'd4']), // alone over the limit: still a unit of its own
    ];
    await started(1);
    expect(units).toEqual([[['a1', 'a2'], ['b1']]]);
    releaseAll();
    await started(2);
    expect(units.at(-1)).toEqual([['c1', 'c2']]);
    releaseAll();
    await started(3);
    expect(units.at(-1)).toEqual([['d1', 'd2', 'd3', 'd4']]);
    releaseAll();
    expect(await Promise.all(answers)).toEqual([1, 1, 2, 3]);
  });

  it('runs at most maxInFlight units; what is handed over meanwhile goes together in the next', async () => {
    const { merger, units, releaseAll, started } = recordingMerger({ maxItems: 100, maxInFlight: 1 });
    const first = merger.submit(['a1']);
    await started(1);
    const later = [merger.submit(['b1']), merger.submit(['c1'])];
    for (let turn = 0; turn < 5; turn++) await tick();
    expect(units).toEqual([[['a1']]]);
    releaseAll();
    await started(2);
    expect(units).toEqual([[['a1']], [['b1'], ['c1']]]);
    releaseAll();
    expect(await first).toBe(1);
    expect(await Promise.all(later)).toEqual([2, 2]);
  });

  it('runs units side by side up to maxInFlight', async () => {
    const { merger, units, releaseAll, started } = recordingMerger({ maxItems: 1, maxInFlight: 2 });
    const answers = [merger.submit(['a1']), merger.submit(['b1']), merger.submit(['c1'])];
    await started(2);
    for (let turn = 0; turn < 5; turn++) await tick();
    expect(units).toEqual([[['a1']], [['b1']]]);
    releaseAll();
    await started(3);
    releaseAll();
    expect(await Promise.all(answers)).toEqual([1, 2, 3]);
  });

  it("gives every chunk of a failed unit that unit's error, and goes on with the next unit", async () => {
    const { merger, units, releaseAll, started } = recordingMerger({
      maxItems: 2,
      maxInFlight: 1,
      fail: (chunks) => chunks.flat().includes('bad'),
    });
    const failed = [merger.submit(['a1']), merger.submit(['bad'])].map((p) => p.then(String, (e: Error) => e.message));
    const after = merger.submit(['c1']);
    await started(1);
    releaseAll();
    await started(2);
    releaseAll();
    expect(await Promise.all(failed)).toEqual(['unit 1 failed', 'unit 1 failed']);
    expect(await after).toBe(2);
    expect(units).toEqual([[['a1'], ['bad']], [['c1']]]);
  });
});
