import type { Pool } from './pool';

export type MaintenanceLogger = {
  info: (o: object, m: string) => void;
  warn: (o: object, m: string) => void;
};

export type MaintenanceOptions = {
  pool: Pool;
  /** The one schema this service owns: its tables, and no one else's, are kept. */
  schema: string;
  logger: MaintenanceLogger;
  /** How often the tables' counters are read; 0 turns the maintenance off. */
  intervalMs: number;
  /** Sees what each pass did (metrics). */
  onPass?: (done: MaintenancePlan) => void;
};

/** A table's counters as PostgreSQL's statistics collector has them, and the size the planner believes. */
export type TableActivity = {
  table: string;
  liveRows: number;
  deadRows: number;
  modifiedSinceAnalyze: number;
  /** Whether the table's columns were ever analysed (by anyone): without that the planner guesses every selectivity. */
  analysed: boolean;
  /** `pg_class.reltuples`: the row count the planner works from (-1 when never vacuumed or analysed). */
  plannerRows: number;
};

/** What one pass decided: the tables to re-analyse and the tables to vacuum. */
export type MaintenancePlan = { analyze: string[]; vacuum: string[] };

/**
 * When a table needs its statistics or its dead rows seen to. Plans go wrong when the planner's picture of a table's
 * size is off, not when rows are updated in place, so ANALYZE follows size: a table never analysed once it holds more
 * than 50 rows, one that more than doubled since, and — for what updates shift — one that changed four times over
 * (plus 1,000 rows). ANALYZE of a table with large jsonb columns costs 100–400 ms here: autovacuum's own rule (a tenth
 * changed) ran it every few seconds on the groups tables under load and cost PostgreSQL a third more CPU.
 * VACUUM follows autovacuum's scale (a fifth of the live rows dead) over a base of 2,000 dead rows: a queue table
 * (rows inserted, then deleted once handled) has few live rows and is vacuumed every 2,000 deletions, which keeps its
 * "oldest first" scans from stepping over a growing heap of them without vacuuming it every pass.
 */
export function maintenancePlan(tables: readonly TableActivity[]): MaintenancePlan {
  const needsAnalyze = (t: TableActivity) =>
    t.liveRows > 50 &&
    (!t.analysed || t.liveRows > 2 * Math.max(t.plannerRows, 0) || t.modifiedSinceAnalyze > 1_000 + 4 * t.liveRows);
  return {
    analyze: tables.filter(needsAnalyze).map((t) => t.table),
    vacuum: tables.filter((t) => t.deadRows > 2_000 + 0.2 * t.liveRows).map((t) => t.table),
  };
}

/**
 * Keeps one schema's planner statistics and dead rows in check, every `intervalMs` (rules in maintenancePlan), whether
 * or not the server's autovacuum runs. Why: autovacuum visits a database about once a minute, and is off on
 * some servers altogether (these machines ship with `autovacuum = off`). Until a table is analysed the planner guesses
 * its size: a table that grew from empty by a backfill is read with sequential scans and hash joins where an index
 * probe would do (a person's links took 4.4 ms instead of 0.1 ms; a projection's anti join 3.1 s per version), and
 * every update leaves a dead row that later scans step over. One pass reads the schema's counters (one small query)
 * and runs ANALYZE / VACUUM (SKIP_LOCKED) on the tables past their threshold, one at a time, on a pool connection
 * (VACUUM cannot run in a transaction). Neither blocks writes.
 */
export class TableMaintenance {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(private readonly opts: MaintenanceOptions) {}

  start(): void {
    if (this.opts.intervalMs <= 0 || this.timer) return;
    this.timer = setInterval(() => {
      // Never two passes at a time: a slow ANALYZE of a large table delays the next pass, it does not pile up.
      if (!this.running)
        this.running = this.pass()
          .then((done) => this.opts.onPass?.(done))
          .finally(() => (this.running = null));
    }, this.opts.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One pass: reads the counters, maintains what is past its threshold; returns what it did. Never throws. */
  async pass(): Promise<MaintenancePlan> {
    const done: MaintenancePlan = { analyze: [], vacuum: [] };
    try {
      const plan = maintenancePlan(await this.activity());
      for (const table of plan.vacuum) {
        await this.opts.pool.query(`VACUUM (SKIP_LOCKED) ${this.qualified(table)}`);
        done.vacuum.push(table);
      }
      for (const table of plan.analyze) {
        await this.opts.pool.query(`ANALYZE (SKIP_LOCKED) ${this.qualified(table)}`);
        done.analyze.push(table);
      }
    } catch (error) {
      // The database is down or busy: the next pass tries again; readiness reports the outage, not this.
      this.opts.logger.warn({ err: error, schema: this.opts.schema }, 'table maintenance pass failed');
    }
    return done;
  }

  private async activity(): Promise<TableActivity[]> {
    const { rows } = await this.opts.pool.query<{
      table: string;
      live: string;
      dead: string;
      modified: string;
      analysed: boolean;
      planner_rows: number;
    }>(
      `SELECT s.relname AS table, s.n_live_tup AS live, s.n_dead_tup AS dead, s.n_mod_since_analyze AS modified,
              (s.last_analyze IS NOT NULL OR s.last_autoanalyze IS NOT NULL) AS analysed, c.reltuples AS planner_rows
       FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid WHERE s.schemaname = $1`,
      [this.opts.schema],
    );
    return rows.map((r) => ({
      table: r.table,
      liveRows: Number(r.live),
      deadRows: Number(r.dead),
      modifiedSinceAnalyze: Number(r.modified),
      analysed: r.analysed,
      plannerRows: Number(r.planner_rows),
    }));
  }

  private qualified(table: string): string {
    const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;
    return `${quote(this.opts.schema)}.${quote(table)}`;
  }
}
