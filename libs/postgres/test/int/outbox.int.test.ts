import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '@bg/testing';
import { enqueue, paddedRowCount, type OutboxMessage } from '../../src/outbox';
import { migrate } from '../../src/migrate';
import { createPool, withTransaction, type Pool } from '../../src/pool';

// The outbox insert pads its rows to a power of two (NULL rows, filtered out) and splits past 1,024 rows: whatever the
// count, exactly the messages go in, in the order given (the relay sends each key's rows in id order).
const SCHEMA = 'outbox_enqueue_test';

let ctx: TestContext;
let pool: Pool;
let emptyDir: string;

beforeAll(async () => {
  ctx = await createTestContext();
  emptyDir = mkdtempSync(join(tmpdir(), 'bg-no-migrations-'));
  await migrate(ctx.databaseUrl, SCHEMA, emptyDir);
  pool = createPool(ctx.databaseUrl, { schema: SCHEMA, logger: { warn: () => undefined } });
});

afterAll(async () => {
  await pool?.end();
  if (emptyDir) rmSync(emptyDir, { recursive: true, force: true });
});

const message = (i: number): OutboxMessage => ({
  topic: `topic-${i % 3}`,
  key: `key-${i % 7}`,
  // JSON with the characters an array literal had to escape.
  value: JSON.stringify({ i, text: 'a "quoted" \\ back\\slash, {braces} and ünïcödé' }),
  headers: i % 2 === 0 ? { ce_type: 'x', n: String(i) } : undefined,
});

describe('enqueue', () => {
  it('pads to powers of two', () => {
    expect([1, 2, 3, 4, 5, 100, 1024].map(paddedRowCount)).toEqual([1, 2, 4, 4, 8, 128, 1024]);
  });

  it.each([1, 3, 100, 1500])('inserts %i messages exactly, in order', async (count) => {
    await pool.query('DELETE FROM outbox');
    const messages = Array.from({ length: count }, (_, i) => message(i));
    await withTransaction(pool, (tx) => enqueue(tx, messages));
    const { rows } = await pool.query<{ topic: string; message_key: string; value: string; headers: object }>(
      'SELECT topic, message_key, value, headers FROM outbox ORDER BY id',
    );
    expect(rows).toEqual(
      messages.map((m) => ({ topic: m.topic, message_key: m.key, value: m.value, headers: m.headers ?? {} })),
    );
  });

  it('inserts nothing for no messages', async () => {
    await pool.query('DELETE FROM outbox');
    await enqueue(pool, []);
    expect((await pool.query('SELECT count(*)::int AS n FROM outbox')).rows[0].n).toBe(0);
  });
});
