import { describe, expect, it } from 'vitest';
import { maintenancePlan, type TableActivity } from '../../src/table-maintenance';

const table = (name: string, counters: Partial<TableActivity>): TableActivity => ({
  table: name,
  liveRows: 0,
  deadRows: 0,
  modifiedSinceAnalyze: 0,
  analysed: true,
  plannerRows: 0,
  ...counters,
});

describe('the maintenance rule', () => {
  it('analyses a table never analysed once it holds more than 50 rows', () => {
    const plan = maintenancePlan([
      table('filled-by-a-backfill', { liveRows: 51, modifiedSinceAnalyze: 51, analysed: false, plannerRows: -1 }),
      table('nearly-empty', { liveRows: 50, modifiedSinceAnalyze: 50, analysed: false, plannerRows: -1 }),
    ]);
    expect(plan).toEqual({ analyze: ['filled-by-a-backfill'], vacuum: [] });
  });

  it('analyses a table again once it more than doubled since the planner last learnt its size', () => {
    const plan = maintenancePlan([
      table('doubled', { liveRows: 2_001, plannerRows: 1_000, modifiedSinceAnalyze: 1_001 }),
      table('not-quite', { liveRows: 2_000, plannerRows: 1_000, modifiedSinceAnalyze: 1_000 }),
    ]);
    expect(plan.analyze).toEqual(['doubled']);
  });

  it('analyses a table updated in place only once it changed four times over, plus 1,000 rows', () => {
    const plan = maintenancePlan([
      table('rewritten', { liveRows: 10_000, plannerRows: 10_000, modifiedSinceAnalyze: 41_001 }),
      table('busy', { liveRows: 10_000, plannerRows: 10_000, modifiedSinceAnalyze: 41_000 }),
      // A drained queue: thousands of inserts and deletes, a handful of rows: not worth a pass every tick.
      table('queue', { liveRows: 3, plannerRows: 0, modifiedSinceAnalyze: 900 }),
    ]);
    expect(plan.analyze).toEqual(['rewritten']);
  });

  it('vacuums a table past 2,000 dead rows and a fifth of its live ones: a drained queue after 2,000 deletions', () => {
    const plan = maintenancePlan([
      table('drained-queue', { liveRows: 3, deadRows: 2_001 }),
      table('queue-just-under', { deadRows: 2_000 }),
      table('updated-table', { liveRows: 10_000, plannerRows: 10_000, deadRows: 4_001 }),
      table('updated-just-under', { liveRows: 10_000, plannerRows: 10_000, deadRows: 4_000 }),
    ]);
    expect(plan).toEqual({ analyze: [], vacuum: ['drained-queue', 'updated-table'] });
  });
});
