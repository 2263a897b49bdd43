import pg from 'pg';

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;
/** Anything that runs a query: the pool, or a client inside a transaction. Repository functions take this. */
export type Queryable = Pick<pg.Pool, 'query'>;

export type PoolLogger = { warn: (o: object, m: string) => void };

/**
 * A pool whose sessions resolve unqualified names in the service's own schema. JIT compilation is off: these are short
 * OLTP statements, for which planning-time JIT costs tens of milliseconds and saves nothing. A connection error on a
 * client (e.g. the server restarting) is logged, never left unhandled: the query in flight fails with it, and the unit
 * of work retries as for any transient error.
 */
export function createPool(
  databaseUrl: string,
  opts: {
    schema: string;
    max?: number;
    applicationName?: string;
    logger: PoolLogger;
    /** Further session settings (name → value), e.g. a `plan_cache_mode` for connections that run few statements. */
    settings?: Record<string, string>;
  },
): Pool {
  const settings = Object.entries(opts.settings ?? {}).map(([name, value]) => ` -c ${name}=${value}`);
  const pool = new pg.Pool({
    Client: PreparingClient,
    connectionString: databaseUrl,
    max: opts.max ?? 5,
    application_name: opts.applicationName ?? opts.schema,
    options: `-c search_path=${quoteIdent(opts.schema)},public -c jit=off${settings.join('')}`,
  });
  const log = (error: Error) => opts.logger.warn({ err: error }, 'database connection error');
  pool.on('error', log);
  // The pool's own listener covers idle clients only; a checked-out client needs one too, or its 'error' crashes us.
  pool.on('connect', (client) => client.on('error', log));
  return pool;
}

/** The name each parameterised statement text is prepared under, the same on every connection of the process. */
const statementNames = new Map<string, string>();
/** Texts built from many optional parts (a filtered list) stay unnamed past this many, rather than grow without end. */
const maxStatementNames = 2_000;

function statementName(text: string): string | undefined {
  let name = statementNames.get(text);
  if (name === undefined && statementNames.size < maxStatementNames) {
    name = `bg_${statementNames.size + 1}`;
    statementNames.set(text, name);
  }
  return name;
}

/**
 * A client that prepares each parameterised statement once per connection, by name, and from then on only binds and
 * runs it. An unnamed statement is parsed and planned again on every call: in the quick bench's 200/s phase planning
 * alone took 2 s of PostgreSQL's 11.5 s of CPU (pg_stat_statements with track_planning). A prepared statement is
 * planned with the values of its first five calls, then runs a cached generic plan wherever that is not costlier
 * (`plan_cache_mode = auto`); an ANALYZE invalidates it. Statements without values (BEGIN, COMMIT, VACUUM, …) run as
 * simple queries, as before.
 */
class PreparingClient extends pg.Client {
  // pg's overloads (text or config, values, callback) are passed through as they came, with a name added.
  override query(...args: unknown[]): never {
    const [config, values] = args;
    if (typeof config === 'string' && Array.isArray(values)) {
      const name = statementName(config);
      if (name !== undefined) args[0] = { name, text: config };
    } else if (isPlainQueryConfig(config)) {
      const name = statementName(config.text);
      if (name !== undefined) args[0] = { ...config, name };
    }
    return (super.query as (...a: unknown[]) => never)(...args);
  }
}

/** A `{ text, values }` config without a name of its own (not a cursor or another submittable). */
function isPlainQueryConfig(config: unknown): config is pg.QueryConfig {
  if (typeof config !== 'object' || config === null) return false;
  const c = config as Partial<pg.QueryConfig> & { submit?: unknown };
  return typeof c.text === 'string' && Array.isArray(c.values) && c.name === undefined && c.submit === undefined;
}

/** Runs `fn` in one transaction: commit on success, rollback on error. */
export async function withTransaction<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
    throw error;
  } finally {
    // A client whose connection broke is discarded, not returned to the pool.
    client.release(broken);
  }
}

/** PostgreSQL error classes worth retrying: the server or the connection, not the statement or its data. */
const transientSqlStates = [
  '08', // connection exception
  '40001', // serialization failure
  '40P01', // deadlock detected
  '53', // insufficient resources (too many connections, out of memory, disk full)
  '55P03', // lock not available
  '57P01', // admin shutdown (the server restarting)
  '57P02', // crash shutdown
  '57P03', // cannot connect now (starting up)
  '57014', // query canceled (statement timeout)
  '58', // system error (I/O)
];

/**
 * Whether a database error is transient (retry the same work) or deterministic (the work itself is refused: data
 * exceptions 22…, integrity violations 23…, and any other error, JavaScript ones included).
 */
export function classifyDbError(error: unknown): 'transient' | 'deterministic' {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) {
    return transientSqlStates.some((prefix) => code.startsWith(prefix)) ? 'transient' : 'deterministic';
  }
  const message = error instanceof Error ? error.message : '';
  const transientNetwork =
    /ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EAI_AGAIN|Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|the database system is (starting|shutting) up/i;
  return transientNetwork.test(message) ? 'transient' : 'deterministic';
}

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
