import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { OffsetCommitter, type PartitionOffset } from '../../src/offset-committer';

/** A committer on fake timers that records every commit; `failNext` makes the next commit reject. */
function recordingCommitter(intervalMs = 500) {
  const commits: PartitionOffset[][] = [];
  const errors: unknown[] = [];
  let failNext = false;
  const committer = new OffsetCommitter({
    intervalMs,
    commit: async (offsets) => {
      if (failNext) {
        failNext = false;
        await new Promise((r) => setTimeout(r, 10));
        throw new Error('rebalance in progress');
      }
      commits.push(offsets);
    },
    onError: (error) => errors.push(error),
  });
  return { committer, commits, errors, failNextCommit: () => (failNext = true) };
}

describe('OffsetCommitter', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('commits one past the last applied offset of each partition, once per interval', async () => {
    const { committer, commits } = recordingCommitter();
    committer.applied('t', 0, '9');
    await vi.advanceTimersByTimeAsync(0);
    expect(commits).toEqual([[{ topic: 't', partition: 0, offset: '10' }]]);

    // Within the interval: gathered, and only the latest per partition.
    committer.applied('t', 0, '11');
    committer.applied('t', 1, '4');
    committer.applied('t', 0, '15');
    await vi.advanceTimersByTimeAsync(499);
    expect(commits).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(commits[1]).toEqual([
      { topic: 't', partition: 0, offset: '16' },
      { topic: 't', partition: 1, offset: '5' },
    ]);

    // Nothing applied since: no further commit, however long it stays idle.
    await vi.advanceTimersByTimeAsync(5_000);
    expect(commits).toHaveLength(2);
    committer.close();
  });

  it('keeps the offsets of a failed commit for the next one, unless a newer one came for the partition', async () => {
    const { committer, commits, errors, failNextCommit } = recordingCommitter();
    failNextCommit();
    committer.applied('t', 0, '9');
    committer.applied('t', 1, '3');
    await vi.advanceTimersByTimeAsync(0);
    // Applied while the commit that is going to fail is in flight: newer than what it carried.
    committer.applied('t', 1, '7');
    await vi.advanceTimersByTimeAsync(10);
    expect(errors).toHaveLength(1);
    expect(commits).toHaveLength(0);

    await vi.advanceTimersByTimeAsync(500);
    expect(commits).toEqual([
      [
        { topic: 't', partition: 1, offset: '8' },
        { topic: 't', partition: 0, offset: '10' },
      ],
    ]);
    committer.close();
  });

  it('flushes at once through another path, and forgets partitions it no longer owns', async () => {
    const { committer, commits } = recordingCommitter();
    committer.applied('t', 0, '1');
    committer.applied('t', 1, '1');
    committer.applied('u', 0, '1');
    committer.retain((topic, partition) => topic === 't' && partition === 1);
    const via: PartitionOffset[][] = [];
    await committer.flush(async (offsets) => {
      via.push(offsets);
    });
    expect(via).toEqual([[{ topic: 't', partition: 1, offset: '2' }]]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(commits).toHaveLength(0);
    committer.close();
  });

  it('offsets beyond 2^53 stay exact', async () => {
    const { committer, commits } = recordingCommitter();
    committer.applied('t', 0, '9007199254740993');
    await vi.advanceTimersByTimeAsync(0);
    expect(commits[0]![0]!.offset).toBe('9007199254740994');
    committer.close();
  });
});
