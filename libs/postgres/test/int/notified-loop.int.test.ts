import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createTestContext, eventually, type TestContext } from '@bg/testing';
import { NotifiedLoop } from '../../src/notified-loop';

let ctx: TestContext;
let admin: pg.Client;

const quiet = { error: () => undefined, warn: () => undefined, info: () => undefined };

/** Backends (other than ours) whose last statement was `LISTEN "<channel>"`. */
async function listenBackends(channel: string): Promise<number[]> {
  const { rows } = await admin.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity
     WHERE datname = current_database() AND pid <> pg_backend_pid() AND query = $1`,
    [`LISTEN "${channel}"`],
  );
  return rows.map((r) => r.pid);
}

beforeAll(async () => {
  ctx = await createTestContext();
  admin = new pg.Client({ connectionString: ctx.databaseUrl });
  await admin.connect();
});

afterAll(async () => {
  await admin?.end();
});

describe('a notified loop whose LISTEN connection the database drops', () => {
  it('listens again on a new connection, and a notification after that wakes the work', async () => {
    const channel = `loop_${randomBytes(4).toString('hex')}`;
    const runs: number[] = [];
    const loop = new NotifiedLoop({
      databaseUrl: ctx.databaseUrl,
      channel,
      logger: quiet,
      name: 'test-loop',
      work: async () => (runs.push(Date.now()), false),
      // Far longer than the test: only a notification (or the reconnect's own look) may wake the work.
      pollIntervalMs: 600_000,
      maxReconnectDelayMs: 500,
    });
    await loop.start();
    try {
      expect(loop.listening).toBe(true);
      const [first] = await eventually(async () => {
        const pids = await listenBackends(channel);
        expect(pids).toHaveLength(1);
        return pids;
      });

      const runsBefore = runs.length;
      await admin.query('SELECT pg_terminate_backend($1)', [first]);

      // A new backend listens on the channel, and the loop says it is listening again.
      const [second] = await eventually(async () => {
        const pids = await listenBackends(channel);
        expect(pids).toHaveLength(1);
        expect(pids[0]).not.toBe(first);
        expect(loop.listening).toBe(true);
        return pids;
      }, 10_000);
      expect(second).toBeDefined();
      // Notifications sent while it was away are lost, so a reconnect looks for work once by itself.
      await eventually(async () => expect(runs.length).toBeGreaterThan(runsBefore));
      await new Promise((r) => setTimeout(r, 200));

      const notifiedAt = Date.now();
      await admin.query(`NOTIFY "${channel}"`);
      await eventually(async () => expect(runs.filter((t) => t >= notifiedAt).length).toBeGreaterThan(0), 5_000);
    } finally {
      await loop.stop();
    }
    // Stopped for good: no backend listens any more.
    await eventually(async () => expect(await listenBackends(channel)).toEqual([]));
  });
});
