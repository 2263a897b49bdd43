import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createTestContext, eventually, type TestContext } from '@bg/testing';
import { classifyDbError, createPool } from '../../src/pool';

let ctx: TestContext;
let admin: pg.Client;

beforeAll(async () => {
  ctx = await createTestContext();
  admin = new pg.Client({ connectionString: ctx.databaseUrl });
  await admin.connect();
});

afterAll(async () => {
  await admin?.end();
});

describe('a checked-out client whose connection the database drops', () => {
  it('costs the work a transient error, not the process, and the pool keeps working', async () => {
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', onUncaught);
    process.on('unhandledRejection', onUncaught);
    const warnings: { err?: Error }[] = [];
    const pool = createPool(ctx.databaseUrl, {
      schema: 'public',
      max: 2,
      logger: { warn: (o: { err?: Error }) => warnings.push(o) },
    });
    const client = await pool.connect();
    let released = false;
    try {
      const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      // Checked out and idle, between two statements of a unit of work: the pool's own idle listener is off it.
      await admin.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
      await eventually(async () => expect(warnings.length + uncaught.length).toBeGreaterThan(0), 5_000);
      expect(uncaught).toEqual([]);
      expect(warnings[0]!.err).toBeInstanceOf(Error);

      const error = await client.query('SELECT 1').then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(Error);
      expect(classifyDbError(error)).toBe('transient');
      client.release(error as Error);
      released = true;

      const after = await pool.query<{ ok: number }>('SELECT 1 AS ok');
      expect(after.rows[0]!.ok).toBe(1);
      // Let any late event on the dead socket surface before looking.
      await new Promise((r) => setTimeout(r, 200));
      expect(uncaught).toEqual([]);
    } finally {
      if (!released) client.release(new Error('test over'));
      process.off('uncaughtException', onUncaught);
      process.off('unhandledRejection', onUncaught);
      await pool.end();
    }
  });
});
