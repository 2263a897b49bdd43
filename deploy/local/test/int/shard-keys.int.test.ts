/**
 * The plan past one database (README, "Past one database"): PostgreSQL can be sharded on the Kafka key, the account,
 * because every table that grows with the accounts is keyed by `account_id` first (a Citus distribution column), and
 * every other table is named here with the reason it is not. A new table fails this test until it is placed.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext } from '@bg/testing';

type Placement =
  /** Distributed by account_id, colocated with every other per-account table: one account, one shard. */
  | 'account'
  /** Small and read everywhere (definitions, the model, bookkeeping): a reference table, copied to every node. */
  | 'reference'
  /** Grows with something other than accounts: how it is distributed, said in words. */
  | { other: string };

const notPerAccount: Record<string, Placement> = {
  'api.account_audiences': 'reference',
  'api.roles': 'reference',
  'api.role_templates': 'reference',
  'api.solution_interests': 'reference',
  'api.stage_models': 'reference',
  'api.ai_models': 'reference',
  'role_assignment.solution_interests': 'reference',
  'role_assignment.ai_model': 'reference',
  'role_assignment.recompute_jobs': 'reference',
  'scoring.rescore_runs': 'reference',
  'api.persons': { other: 'distributed by person_id (a person is read by id, and links live per account)' },
  'ingestion.persons': { other: 'distributed by person_id, like the topic it is read from (crm.persons.v1)' },
  'api.opportunities': { other: 'distributed by opportunity_id: read as a whole by the role model’s training' },
  'ingestion.opportunities': { other: 'distributed by opportunity_id, like its topic (crm.opportunities.v1)' },
  'scoring.opportunities': {
    other:
      'distributed by opportunity_id (an opportunity that moves to another account is one row that moves): a stage ' +
      'reads an account’s few opportunities by its (account_id, solution_interest_id) index, a query to every shard',
  },
  'role_assignment.pending_recomputes': {
    other:
      'a queue keyed by arrival: re-keyed (account_id, request_id) when sharded, so a request lands with its account',
  },
};

const platformTables = new Set(['outbox', 'schema_migrations']);

let client: pg.Client;

beforeAll(async () => {
  const ctx = await createTestContext();
  client = new pg.Client({ connectionString: ctx.databaseUrl });
  await client.connect();
});

afterAll(async () => {
  await client?.end();
});

describe('every table’s place past one database', () => {
  it('is keyed by account_id first, or named with the reason it is not', async () => {
    const { rows } = await client.query<{ name: string; table: string; key: string[] | null }>(
      `SELECT n.nspname || '.' || c.relname AS name, c.relname AS table,
              (SELECT array_agg(a.attname::text ORDER BY k.ord)
               FROM pg_index i
               CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k (attnum, ord)
               JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
               WHERE i.indrelid = c.oid AND i.indisprimary) AS key
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'public')
         AND n.nspname NOT LIKE 'pg_toast%'
       ORDER BY 1`,
    );
    const services = rows.filter((r) => !platformTables.has(r.table));
    expect(services.length).toBeGreaterThan(30);
    const misplaced = services
      .filter((r) => !(r.name in notPerAccount))
      .filter((r) => r.key?.[0] !== 'account_id')
      .map((r) => `${r.name} (${r.key?.join(', ') ?? 'no primary key'})`);
    expect(misplaced).toEqual([]);
    // The exceptions are tables that exist, and none of them is keyed by account after all.
    const names = new Set(services.map((r) => r.name));
    expect(Object.keys(notPerAccount).filter((name) => !names.has(name))).toEqual([]);
    expect(services.filter((r) => r.name in notPerAccount && r.key?.[0] === 'account_id').map((r) => r.name)).toEqual(
      [],
    );
  });
});
