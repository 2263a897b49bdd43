import type { Kafka } from 'kafkajs';
import pg from 'pg';
import { createKafka } from '@bg/kafka';
import type { Pool } from '@bg/postgres';
import type { Logger } from './logger';

/** Where a starting service stands, for its readiness endpoint. */
export type StartPhase = { ready: boolean; waitingFor: string | null };

/**
 * Retries `check` with backoff (up to `maxDelayMs` between attempts) until it succeeds, saying what it waits for in
 * `phase` and in the log. A service started while the broker or the database is down waits for them, ready = false,
 * instead of exiting into its supervisor's restart budget.
 */
export async function waitFor(
  name: string,
  check: () => Promise<unknown>,
  logger: Logger,
  phase: StartPhase,
  maxDelayMs = 5_000,
): Promise<void> {
  phase.waitingFor = name;
  for (let attempt = 0; ; attempt++) {
    try {
      await check();
      if (attempt > 0) logger.info({ dependency: name, attempts: attempt + 1 }, `${name} answers`);
      phase.waitingFor = null;
      return;
    } catch (error) {
      const delay = Math.min(200 * 2 ** attempt, maxDelayMs);
      logger.warn({ dependency: name, attempt: attempt + 1, retryInMs: delay, err: error }, `waiting for ${name}`);
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}

/**
 * Readiness checks of the two dependencies every service has, on connections of their own: a probe must say whether
 * PostgreSQL and the broker answer, not whether the work pool has a free connection (under a backlog it has none for
 * seconds, and a busy service is not an unready one), nor pay a new broker connection per probe. `close` on stop.
 */
export function dependencyChecks(probePool: Pool, kafka: Kafka) {
  const admin = kafka.admin();
  let connected: Promise<void> | null = null;
  return {
    checks: [
      { name: 'postgres', check: async () => void (await probePool.query('SELECT 1')) },
      {
        name: 'kafka',
        check: async () => {
          connected ??= admin.connect().catch((error: unknown) => {
            connected = null;
            throw error;
          });
          await connected;
          await admin.describeCluster();
        },
      },
    ],
    close: async () => {
      await admin.disconnect().catch(() => undefined);
      await probePool.end().catch(() => undefined);
    },
  };
}

/** Answers when a broker of the cluster does. */
export async function describeCluster(kafka: Kafka): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.describeCluster();
  } finally {
    await admin.disconnect();
  }
}

/** Answers when PostgreSQL at `databaseUrl` does (one short-lived connection). */
export async function probePostgres(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Answers when a broker of `brokers` does. */
export function probeKafka(brokers: string[], logger: Logger): Promise<void> {
  return describeCluster(
    createKafka({ brokers, clientId: 'probe', logger: logger.child({ component: 'kafka-probe' }) }),
  );
}
