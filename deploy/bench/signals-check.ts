/**
 * `npm run bench:signals [-- --groups 100000 --due 20 --batch 200]`: the periodic signals check (CONTRACT.md §7) over
 * many groups, of which a few are due. It creates a throwaway database with scoring's schema, inserts the groups
 * directly (one member each; `--due` of them past their stall instant), runs the check once with some due and once
 * with none (the cost of every other minute), prints both durations and the plan of the query that finds due groups,
 * then drops the database. No broker, no service process: the check's own cost, nothing else.
 */
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createPool, migrate, quoteIdent } from '@bg/postgres';
import { scoringMigrations, scoringSchema } from '../../services/scoring/src/app';
import { checkSignals } from '../../services/scoring/src/handlers/signals-check';

const { values: args } = parseArgs({
  options: {
    groups: { type: 'string', default: '100000' },
    due: { type: 'string', default: '20' },
    batch: { type: 'string', default: '200' },
  },
});
const groups = Number(args.groups);
const due = Number(args.due);
const batch = Number(args.batch);
const say = (line: string) => console.log(`[bench:signals ${new Date().toISOString().slice(11, 19)}] ${line}`);

const slots = [
  {
    role: 'Decision Maker',
    weight: 100,
    required: true,
    minMembers: 1,
    conditions: { field: 'jobTitle', op: 'exists' },
  },
];

/**
 * `groups` active groups with signals, one member each, at accounts acc-1…acc-N; groups 1…due stalled by now (their
 * last progress 15 days ago, stall instant a day ago), the others due in 13 days. Direct SQL: this is setup.
 */
async function seed(db: pg.Pool, now: Date) {
  await db.query(
    `INSERT INTO groups (account_id, buying_group_id, solution_interest_id, name, status, membership_version, version, slots,
                         completeness, engagement, missing_roles, member_scope, signal_settings, signals, last_progress_at,
                         signals_due_at)
     SELECT 'acc-' || i, 'bg-' || i, 'si-bench', 'Bench ' || i, 'active', 1, 1, $1::jsonb, 100, 0, '{}'::text[], 'account',
            '{"stalledAfterDays": 14, "disengagedAfterDays": 30}'::jsonb, '{"stalled": false, "disengaged": []}'::jsonb,
            $2::timestamptz - CASE WHEN i <= $4 THEN interval '15 days' ELSE interval '1 day' END,
            $2::timestamptz + CASE WHEN i <= $4 THEN interval '-1 day' ELSE interval '13 days' END
     FROM generate_series(1, $3::int) AS i`,
    [JSON.stringify(slots), now, groups, due],
  );
  await db.query(
    `INSERT INTO group_members (account_id, buying_group_id, person_id, role, source, removed, changed_at, reason, engagement)
     SELECT 'acc-' || i, 'bg-' || i, 'p-' || i, 'Decision Maker', 'rule', false, $1::timestamptz - interval '15 days',
            '{"slot": 0, "matched": []}'::jsonb, 0
     FROM generate_series(1, $2::int) AS i`,
    [now, groups],
  );
  await db.query('ANALYZE groups; ANALYZE group_members');
}

/** Runs one statement on the server's admin database (creating and dropping the throwaway one). */
async function admin(adminUrl: string, sql: string) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function main() {
  const adminUrl = process.env.POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const database = `bg_bench_signals_${Date.now()}`;
  await admin(adminUrl, `CREATE DATABASE ${quoteIdent(database)}`);
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  const databaseUrl = url.toString();
  const pool = createPool(databaseUrl, { schema: scoringSchema, max: 2, logger: { warn: () => undefined } });
  try {
    await migrate(databaseUrl, scoringSchema, scoringMigrations);
    const now = new Date();
    let started = performance.now();
    await seed(pool, now);
    say(`seeded ${groups} groups (${due} due) with one member each in ${Math.round(performance.now() - started)} ms`);

    const plan = await pool.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN SELECT account_id, buying_group_id, signals_due_at FROM groups
       WHERE status = 'active' AND signals_due_at IS NOT NULL AND signals_due_at <= $1
         AND (signals_due_at, account_id, buying_group_id) > ('-infinity'::timestamptz, '', '')
       ORDER BY signals_due_at, account_id, buying_group_id LIMIT ${batch}`,
      [now],
    );
    say(`plan of the due-groups query:\n${plan.rows.map((r) => `    ${r['QUERY PLAN']}`).join('\n')}`);

    started = performance.now();
    const withDue = await checkSignals(pool, now, batch);
    const withDueMs = performance.now() - started;
    started = performance.now();
    const idle = await checkSignals(pool, now, batch);
    const idleMs = performance.now() - started;
    say(
      `signals check over ${groups} groups: ${withDue.groupsDue} due, ${withDue.versionsPublished} versions, ` +
        `${withDueMs.toFixed(1)} ms; again with none due: ${idle.groupsDue} due, ${idleMs.toFixed(1)} ms`,
    );
    if (withDue.versionsPublished !== due || idle.groupsDue !== 0)
      throw new Error(`expected ${due} versions then none due, got ${withDue.versionsPublished} and ${idle.groupsDue}`);
  } finally {
    await pool.end();
    await admin(adminUrl, `DROP DATABASE IF EXISTS ${quoteIdent(database)} WITH (FORCE)`).catch(() => undefined);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
