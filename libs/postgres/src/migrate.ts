import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { quoteIdent } from './pool';

const platformMigrations = fileURLToPath(new URL('../migrations', import.meta.url));

/**
 * Applies, in file-name order, the platform migrations (outbox, inbox) and then `dir`'s numbered `.sql` files to
 * `schema`, each in its own transaction, recording them in `<schema>.schema_migrations`. An advisory lock makes
 * concurrent starts safe. Returns the names applied now.
 */
export async function migrate(databaseUrl: string, schema: string, dir: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [`migrate:${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
    await client.query(`SET search_path = ${quoteIdent(schema)}, public`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const done = new Set(
      (await client.query<{ name: string }>('SELECT name FROM schema_migrations')).rows.map((r) => r.name),
    );
    const files = [
      ...(await sqlFiles(platformMigrations)).map((f) => ({
        name: `platform/${f}`,
        path: join(platformMigrations, f),
      })),
      ...(await sqlFiles(dir)).map((f) => ({ name: f, path: join(dir, f) })),
    ];
    const applied: string[] = [];
    for (const file of files) {
      if (done.has(file.name)) continue;
      const sql = await readFile(file.path, 'utf8');
      await client.query('BEGIN');
      try {
        await client.query(sql);
        await client.query('INSERT INTO schema_migrations (name) VALUES ($1)', [file.name]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${schema}/${file.name} failed: ${(error as Error).message}`, { cause: error });
      }
      applied.push(file.name);
    }
    return applied;
  } finally {
    await client.query('SELECT pg_advisory_unlock(hashtext($1))', [`migrate:${schema}`]).catch(() => undefined);
    await client.end();
  }
}

async function sqlFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
}
