import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

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
    return execFileSync('pgrep', ['-x', 'postgres'], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** CPU seconds per named group of processes, measured between `start()` and `stop()`. */
export class CpuMeter {
  private readonly startTotals = new Map<string, number>();

  constructor(private readonly groups: () => Record<string, number[]>) {}

  private totals(): Map<string, number> {
    return new Map(Object.entries(this.groups()).map(([name, pids]) => [name, pids.reduce((s, pid) => s + cpuSeconds(pid), 0)]));
  }

  start(): void {
    for (const [name, total] of this.totals()) this.startTotals.set(name, total);
  }

  stop(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [name, total] of this.totals()) out[name] = Math.max(0, total - (this.startTotals.get(name) ?? 0));
    return out;
  }
}
