import type { Pool } from './pool';

export type VacuumLogger = { warn: (o: object, m: string) => void };

/**
 * Vacuums a queue table (rows inserted, then deleted once handled) after enough deletions. Autovacuum visits a
 * database about once a minute; in between, a busy queue piles up dead rows that every "oldest first" scan must step
 * over, so each scan gets slower the longer the load lasts. A small table vacuums in milliseconds.
 */
export class ChurnVacuum {
  private deleted = 0;
  private lastRun = 0;
  private running: Promise<void> | null = null;

  constructor(
    private readonly pool: Pool,
    private readonly table: string,
    private readonly logger: VacuumLogger,
    private readonly everyDeleted = 5_000,
    private readonly minIntervalMs = 2_000,
  ) {}

  /** Counts deleted rows; vacuums in the background once enough went (never two at a time). */
  deletedRows(count: number): void {
    this.deleted += count;
    if (this.running || this.deleted < this.everyDeleted || Date.now() - this.lastRun < this.minIntervalMs) return;
    this.deleted = 0;
    this.lastRun = Date.now();
    // VACUUM cannot run inside a transaction: on a pool connection of its own.
    this.running = this.pool
      .query(`VACUUM (SKIP_LOCKED) ${this.table}`)
      .then(() => undefined)
      .catch((error: unknown) => this.logger.warn({ err: error, table: this.table }, 'vacuum of a queue table failed'))
      .finally(() => (this.running = null));
  }

  /** Waits for a vacuum in progress (on stop). */
  async settled(): Promise<void> {
    await this.running;
  }
}
