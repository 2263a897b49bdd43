import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';

/**
 * How much of the database's files the OS page cache holds, and what on this machine takes pages out of it.
 *
 * With the default 128 MB of shared buffers, PostgreSQL finds most of a large database in the page cache, or reads it
 * from disk. On these machines a DAMON "pageout" scheme evicts page-cache pages left untouched for about a
 * minute (kdamond), so at full scale (6 GB of tables, read at random) most rows come from disk: the figure that explains
 * why the same statement costs 10-50 times what it costs at the quick preset.
 */
export type PageCacheFigures = { residentMb: number; filesMb: number; damonPageout: string | null };

/** Null when the data directory is not on this machine or not readable (a remote database), or `fincore` is missing. */
export async function databasePageCache(db: pg.Pool): Promise<PageCacheFigures | null> {
  const { rows } = await db.query<{ dir: string; oid: string }>(
    `SELECT current_setting('data_directory') AS dir, oid::text FROM pg_database WHERE datname = current_database()`,
  );
  try {
    const folder = join(rows[0]!.dir, 'base', rows[0]!.oid);
    const files = readdirSync(folder).map((name) => join(folder, name));
    let resident = 0;
    let size = 0;
    // Batches keep the command line short: a database holds thousands of files.
    for (let i = 0; i < files.length; i += 500) {
      const table = execFileSync(
        'fincore',
        ['--bytes', '--noheadings', '--raw', '--output', 'RES,SIZE', ...files.slice(i, i + 500)],
        {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'ignore'],
        },
      );
      const sums = sumFincore(table);
      resident += sums.resident;
      size += sums.size;
    }
    const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
    return { residentMb: mb(resident), filesMb: mb(size), damonPageout: damonPageout() };
  } catch {
    return null;
  }
}

/** Sums `fincore --bytes --raw --output RES,SIZE` lines ("<resident bytes> <file bytes>"). */
export function sumFincore(output: string): { resident: number; size: number } {
  let resident = 0;
  let size = 0;
  for (const line of output.split('\n')) {
    const [res, sz] = line.trim().split(/\s+/);
    if (!res || !sz) continue;
    resident += Number(res);
    size += Number(sz);
  }
  return { resident, size };
}

const damonRoot = '/sys/kernel/mm/damon/admin/kdamonds';

/** "pages idle ≥ 60 s" for a running DAMON pageout scheme over physical memory; null when there is none. */
export function damonPageout(root = damonRoot): string | null {
  const read = (path: string) => readFileSync(path, 'utf8').trim();
  try {
    for (const kdamond of readdirSync(root).filter((name) => /^\d+$/.test(name))) {
      if (read(join(root, kdamond, 'state')) !== 'on') continue;
      const context = join(root, kdamond, 'contexts', '0');
      const aggregationUs = Number(read(join(context, 'monitoring_attrs', 'intervals', 'aggr_us')));
      const schemes = join(context, 'schemes');
      for (const scheme of readdirSync(schemes).filter((name) => /^\d+$/.test(name))) {
        if (read(join(schemes, scheme, 'action')) !== 'pageout') continue;
        const minAge = Number(read(join(schemes, scheme, 'access_pattern', 'age', 'min')));
        return `pages idle ≥ ${round1((minAge * aggregationUs) / 1e6)} s`;
      }
    }
  } catch {
    // no DAMON here, or not readable
  }
  return null;
}

const round1 = (n: number) => Math.round(n * 10) / 10;
