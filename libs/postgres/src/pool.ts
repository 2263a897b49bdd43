import pg from 'pg';

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;
/** Anything that runs a query: the pool, or a client inside a transaction. Repository functions take this. */
export type Queryable = Pick<pg.Pool, 'query'>;

/** A pool whose sessions resolve unqualified names in the service's own schema. */
export function createPool(databaseUrl: string, opts: { schema: string; max?: number; applicationName?: string }): Pool {
  return new pg.Pool({
    connectionString: databaseUrl,
    max: opts.max ?? 5,
    application_name: opts.applicationName ?? opts.schema,
    options: `-c search_path=${quoteIdent(opts.schema)},public`,
  });
}

/** Runs `fn` in one transaction: commit on success, rollback on error. */
export async function withTransaction<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** PostgreSQL errors worth retrying: serialization/deadlock, connection loss, admin shutdown. */
export function isTransientDbError(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  if (code && (code === '40001' || code === '40P01' || code.startsWith('08') || code === '57P01' || code === '53300')) {
    return true;
  }
  const message = (error as Error | null)?.message ?? '';
  return /ECONNREFUSED|ECONNRESET|Connection terminated|timeout/i.test(message);
}

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
