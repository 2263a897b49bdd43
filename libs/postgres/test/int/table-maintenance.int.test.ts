import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createTestContext, type TestContext } from '@bg/testing';
import { createPool, type Pool } from '../../src/pool';
import { TableMaintenance } from '../../src/table-maintenance';

let ctx: TestContext;
let writer: pg.Client;
let pool: Pool;
const schema = `maintenance_${process.pid}`;
const warnings: object[] = [];
const logger = { info: () => undefined, warn: (o: object) => warnings.push(o) };

beforeAll(async () => {
  ctx = await createTestContext();
  writer = new pg.Client({ connectionString: ctx.databaseUrl });
  await writer.connect();
  await writer.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}`);
  await writer.query(`CREATE TABLE ${schema}.links (id int PRIMARY KEY, person text NOT NULL)`);
  await writer.query(`CREATE TABLE ${schema}.queue (id int PRIMARY KEY)`);
  await writer.query(`CREATE TABLE public.not_ours_${process.pid} (id int PRIMARY KEY)`);
  pool = createPool(ctx.databaseUrl, { schema, max: 2, logger });
});

afterAll(async () => {
  await writer?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; DROP TABLE IF EXISTS public.not_ours_${process.pid}`);
  await writer?.end();
  await pool?.end();
});

/** Runs `sql` and makes the statistics collector see it now (it otherwise flushes a backend's counters lazily). */
async function write(sql: string): Promise<void> {
  await writer.query(sql);
  await writer.query('SELECT pg_stat_force_next_flush()');
  await writer.query('SELECT 1');
}

const analysedAt = async (table: string): Promise<Date | null> =>
  (
    await writer.query(
      `SELECT greatest(last_analyze, last_autoanalyze) AS at FROM pg_stat_user_tables
       WHERE schemaname = $1 AND relname = $2`,
      [schema, table],
    )
  ).rows[0]?.at ?? null;

describe('table maintenance of a service schema', () => {
  it('analyses a table a backfill filled, so the planner probes its index; vacuums a drained queue; leaves others alone', async () => {
    const maintenance = new TableMaintenance({ pool, schema, logger, intervalMs: 0 });
    await write(`INSERT INTO ${schema}.links SELECT g, 'p-' || g FROM generate_series(1, 5000) g`);
    await write(`INSERT INTO public.not_ours_${process.pid} SELECT g FROM generate_series(1, 5000) g`);
    await write(`INSERT INTO ${schema}.queue SELECT g FROM generate_series(1, 3000) g`);
    await write(`DELETE FROM ${schema}.queue`);
    expect(await analysedAt('links')).toBeNull();

    const done = await maintenance.pass();
    expect(done.analyze).toEqual(['links']);
    expect(done.vacuum).toEqual(['queue']);
    expect(await analysedAt('links')).not.toBeNull();
    // The statistics now say what is there: one row per id, not the planner's guess for a table never analysed.
    const { rows } = await writer.query(`SELECT reltuples FROM pg_class WHERE oid = '${schema}.links'::regclass`);
    expect(Number(rows[0].reltuples)).toBe(5000);
    const plan = (await writer.query(`EXPLAIN SELECT * FROM ${schema}.links WHERE id = ANY('{7,9}'::int[])`)).rows
      .map((r) => r['QUERY PLAN'])
      .join('\n');
    expect(plan).toMatch(/Index Scan|Bitmap Index Scan/);
    const { rows: dead } = await writer.query(
      `SELECT n_dead_tup FROM pg_stat_user_tables WHERE schemaname = $1 AND relname = 'queue'`,
      [schema],
    );
    expect(Number(dead[0].n_dead_tup)).toBe(0);
    expect(await analysedAt(`not_ours_${process.pid}`)).toBeNull();

    // Nothing changed since: the next pass does nothing.
    expect(await maintenance.pass()).toEqual({ analyze: [], vacuum: [] });
    expect(warnings).toEqual([]);
  });

  it('runs on its interval until stopped', async () => {
    const passes: object[] = [];
    const maintenance = new TableMaintenance({ pool, schema, logger, intervalMs: 50, onPass: (d) => passes.push(d) });
    await write(`INSERT INTO ${schema}.links SELECT g, 'p-' || g FROM generate_series(5001, 12000) g`);
    maintenance.start();
    await expect.poll(() => passes.some((p) => JSON.stringify(p).includes('links')), { timeout: 10_000 }).toBe(true);
    await maintenance.stop();
    const count = passes.length;
    await new Promise((r) => setTimeout(r, 200));
    expect(passes.length).toBe(count);
  });
});
