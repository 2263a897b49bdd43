import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '@bg/service-kit';
import { JobWorker, type JobSource, type Task } from '../../src/jobs/worker';

const logger = createLogger('test', 'silent');

/** A source handing out queued tasks, noting the limits it was asked with. */
function queue(name: string, tasks: Task[]) {
  const limits: number[] = [];
  const source: JobSource = {
    name,
    claim: async (limit) => {
      limits.push(limit);
      return tasks.splice(0, limit);
    },
  };
  return { source, limits };
}

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

let worker: JobWorker | undefined;
afterEach(async () => {
  await worker?.stop();
  worker = undefined;
});

describe('job worker', () => {
  it('keeps running other jobs while one hangs on a slow provider', async () => {
    const slow = gate();
    const done: string[] = [];
    const allFast = gate();
    const fast =
      (id: string): Task =>
      async () => {
        done.push(id);
        if (done.length === 3) allFast.open();
      };
    const { source } = queue('lookup', [() => slow.opened, fast('a'), fast('b'), fast('c')]);
    worker = new JobWorker({ sources: [source], concurrency: 2, pollIntervalMs: 10_000, logger });
    await worker.start();
    await allFast.opened;
    expect(done).toEqual(['a', 'b', 'c']);
    slow.open();
  });

  it('never runs more than its concurrency at once, and offers the free slots to every source', async () => {
    let running = 0;
    let peak = 0;
    const finished = gate();
    let count = 0;
    const task: Task = async () => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running--;
      if (++count === 8) finished.open();
    };
    const lookups = queue(
      'lookup',
      Array.from({ length: 4 }, () => task),
    );
    const audience = queue(
      'audience',
      Array.from({ length: 4 }, () => task),
    );
    worker = new JobWorker({
      sources: [lookups.source, audience.source],
      concurrency: 3,
      pollIntervalMs: 10_000,
      logger,
    });
    await worker.start();
    await finished.opened;
    expect(peak).toBe(3);
    expect(Math.max(...lookups.limits, ...audience.limits)).toBeLessThanOrEqual(3);
    expect(audience.limits.length).toBeGreaterThan(0);
  });

  it('on stop, claims nothing more and waits for the jobs in flight', async () => {
    const release = gate();
    let finished = false;
    const { source, limits } = queue('lookup', [
      async () => {
        await release.opened;
        finished = true;
      },
    ]);
    worker = new JobWorker({ sources: [source], concurrency: 1, pollIntervalMs: 10_000, logger });
    await worker.start();
    await new Promise((resolve) => setImmediate(resolve));
    const stopping = worker.stop();
    release.open();
    await stopping;
    expect(finished).toBe(true);
    const claims = limits.length;
    worker.poke();
    await new Promise((resolve) => setImmediate(resolve));
    expect(limits.length).toBe(claims);
  });
});
