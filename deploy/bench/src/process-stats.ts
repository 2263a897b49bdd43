import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type pg from 'pg';

const ticksPerSecond = 100; // USER_HZ on Linux

/** CPU seconds (user + system) a process has used so far; 0 when it is gone. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
  } catch {
    return 0;
  }
}

/** Peak resident set size (VmHWM) of a process, in MB. */
export function peakRssMb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return Math.round(kb / 1024);
  } catch {
    return 0;
  }
}

/** Every PostgreSQL server process on the machine (postmaster and backends). */
export function postgresPids(): number[] {
  try {
    return execFileSync('pgrep', ['-x', 'postgres'], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

/**
 * The PostgreSQL backends serving one database, by client: the services name their connections (application_name;
 * a service's probe connection counts with it), the rest — LISTEN connections, the bench itself — are "unnamed".
 */
export async function backendsByClient(db: pg.Pool, database: string): Promise<Record<string, number[]>> {
  const { rows } = await db.query<{ client: string; pids: number[] }>(
    `SELECT coalesce(nullif(regexp_replace(application_name, '-probe$', ''), ''), 'unnamed') AS client,
            array_agg(pid) AS pids
     FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() GROUP BY 1`,
    [database],
  );
  return Object.fromEntries(rows.map((r) => [r.client, r.pids]));
}

/**
 * CPU seconds per named group of processes, measured between `start()` and `stop()`, per pid: processes that appear
 * in between (e.g. new database backends) count in full; those that exit count up to their last reading (sampled
 * every second).
 */
export class CpuMeter {
  private readonly first = new Map<string, Map<number, number>>();
  private readonly last = new Map<string, Map<number, number>>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly groups: () => Record<string, number[]>) {}

  private read(into: Map<string, Map<number, number>>): void {
    for (const [name, pids] of Object.entries(this.groups())) {
      const byPid = into.get(name) ?? new Map<number, number>();
      for (const pid of pids) {
        const seconds = cpuSeconds(pid);
        if (seconds > 0) byPid.set(pid, seconds);
      }
      into.set(name, byPid);
    }
  }

  start(): void {
    this.read(this.first);
    this.timer = setInterval(() => this.read(this.last), 1_000);
  }

  stop(): Record<string, number> {
    if (this.timer) clearInterval(this.timer);
    this.read(this.last);
    const out: Record<string, number> = {};
    for (const [name, byPid] of this.last) {
      let total = 0;
      for (const [pid, seconds] of byPid) total += Math.max(0, seconds - (this.first.get(name)?.get(pid) ?? 0));
      out[name] = total;
    }
    return out;
  }
}
