import type pg from 'pg';

/**
 * Where PostgreSQL's time goes, per statement, from pg_stat_statements — when the server preloads it
 * (`shared_preload_libraries = 'pg_stat_statements'`; the bench says so when it does not).
 */
export async function statementsAvailable(db: pg.Pool): Promise<boolean> {
  try {
    await db.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    await db.query('SELECT pg_stat_statements_reset()');
    return true;
  } catch {
    return false;
  }
}

export type StatementCost = {
  service: string;
  calls: number;
  totalMs: number;
  planMs: number;
  meanMs: number;
  rows: number;
  query: string;
};

/**
 * Every statement since the last reset, counted (BEGIN and COMMIT included): on these machines a round trip costs
 * more CPU, on both sides, than most statements themselves (a `SELECT 1` takes 0.25 ms of the client's CPU and
 * 0.12 ms of the server's), so how many a change needs is a cost of its own.
 */
export async function statementTotals(db: pg.Pool): Promise<{ calls: number; execMs: number }> {
  const { rows } = await db.query<{ calls: string | null; exec: number | null }>(
    `SELECT sum(s.calls) AS calls, sum(s.total_exec_time) AS exec
     FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = current_database()`,
  );
  return { calls: Number(rows[0]?.calls ?? 0), execMs: Math.round(rows[0]?.exec ?? 0) };
}

/** The statements that took most time since the last reset (then resets), with the service that ran them. */
export async function topStatements(db: pg.Pool, limit = 12): Promise<StatementCost[]> {
  const { rows } = await db.query<{
    role: string;
    calls: string;
    total: number;
    plan: number;
    mean: number;
    rows: string;
    query: string;
  }>(
    `SELECT coalesce(s.query, '') AS query, s.calls, s.total_exec_time AS total, s.total_plan_time AS plan, s.mean_exec_time AS mean, s.rows,
            coalesce((regexp_match(s.query, '(?:FROM|INTO|UPDATE|JOIN)\\s+([a-z_]+)'))[1], '') AS role
     FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
     WHERE d.datname = current_database() ORDER BY s.total_exec_time + s.total_plan_time DESC LIMIT $1`,
    [limit],
  );
  await db.query('SELECT pg_stat_statements_reset()');
  return rows.map((r) => ({
    service: r.role,
    calls: Number(r.calls),
    totalMs: Math.round(r.total),
    planMs: Math.round(r.plan),
    meanMs: Math.round(r.mean * 100) / 100,
    rows: Number(r.rows),
    query: r.query.replace(/\s+/g, ' ').slice(0, 140),
  }));
}
