import { describe, expect, it } from 'vitest';
import { describeBacklog, isSettled, waitUntilBacklogSettled, type Backlog } from '../../src/pipeline-backlog';

const settled: Backlog = { lag: { ingestion: 0, scoring: 0 }, outbox: 0, parked: 2, recomputes: 0 };
const busy = (b: Partial<Backlog>): Backlog => ({ ...settled, ...b });

describe('pipeline backlog', () => {
  it('is settled only when no group lags, no outbox row waits and no recomputation is queued; parked rows do not count', () => {
    expect(isSettled(settled)).toBe(true);
    expect(isSettled(busy({ lag: { ingestion: 0, scoring: 3 } }))).toBe(false);
    expect(isSettled(busy({ outbox: 1 }))).toBe(false);
    expect(isSettled(busy({ recomputes: 1 }))).toBe(false);
    expect(describeBacklog(busy({ outbox: 1 }))).toBe(
      'lag {"ingestion":0,"scoring":0}, outbox 1, parked 2, recomputes 0',
    );
  });

  it('waits for consecutive settled polls: a busy poll or no answer in between starts the count again', async () => {
    const answers: Array<Backlog | null> = [settled, busy({ outbox: 4 }), settled, null, settled, settled, settled];
    let polls = 0;
    const last = await waitUntilBacklogSettled(async () => answers[polls++] ?? busy({ outbox: 9 }), {
      timeoutMs: 5_000,
      polls: 3,
      intervalMs: 1,
    });
    expect(polls).toBe(7);
    expect(last).toEqual(settled);
  });

  it('fails after the timeout, saying what was still waiting', async () => {
    await expect(
      waitUntilBacklogSettled(async () => busy({ recomputes: 5 }), { timeoutMs: 50, intervalMs: 5 }),
    ).rejects.toThrow('recomputes 5');
  });
});
