import type { Kafka } from 'kafkajs';
import { createKafka, EventProducer, isBrokerRefusal, type BatchConsumer } from '@bg/kafka';
import { createPool, migrate, OutboxRelay, TableMaintenance, type Pool } from '@bg/postgres';
import { Counter, type Registry } from 'prom-client';
import type { BaseConfig } from './config';
import { dependencyChecks, describeCluster, waitFor, type StartPhase } from './dependencies';
import { createEventConsumer, relayMetrics, type EventConsumerSpec } from './event-consumer';
import type { Logger } from './logger';
import { createMetricsRegistry, startOpsServer } from './ops-server';

export type WorkerDeps = { pool: Pool; producer: EventProducer; kafka: Kafka; logger: Logger; metrics: Registry };

export type BackgroundJob = { start: () => Promise<void>; stop: () => Promise<void> };

export type WorkerOptions = {
  name: string;
  schema: string;
  /** The service's numbered SQL migrations, applied (after the platform's) once the database answers. */
  migrations: string;
  config: BaseConfig;
  logger: Logger;
  consumers: (deps: WorkerDeps) => EventConsumerSpec[];
  /** Extra periodic or background work (e.g. a re-score timer), started after the consumers, stopped before them. */
  background?: (deps: WorkerDeps) => BackgroundJob[];
  onFatal: (error: unknown) => void;
  poolSize?: number;
};

export type RunningWorker = WorkerDeps & { opsUrl: string; stop: () => Promise<void> };

/**
 * The shell every Kafka-driven service shares: ops endpoints → wait for PostgreSQL → migrations → wait for Kafka →
 * producer → outbox relay → consumers (each running the one unit of work) → background jobs, and the reverse order on
 * stop. Services supply only their consumers' handlers. Readiness says what a starting service still waits for.
 */
export async function startWorker(opts: WorkerOptions): Promise<RunningWorker> {
  const { config, logger } = opts;
  const metrics = createMetricsRegistry(opts.name);
  const phase: StartPhase = { ready: false, waitingFor: 'PostgreSQL' };
  const pool = createPool(config.DATABASE_URL, {
    schema: opts.schema,
    max: opts.poolSize ?? 8,
    applicationName: opts.name,
    logger,
  });
  const kafka = createKafka({
    brokers: config.KAFKA_BROKERS,
    clientId: opts.name,
    logger: logger.child({ component: 'kafka' }),
  });
  const probes = dependencyChecks(
    createPool(config.DATABASE_URL, { schema: opts.schema, max: 1, applicationName: `${opts.name}-probe`, logger }),
    kafka,
  );
  const ops = await startOpsServer(
    config.OPS_PORT,
    { registry: metrics, phase, checks: probes.checks },
    config.OPS_HOST,
  );
  await waitFor('PostgreSQL', () => pool.query('SELECT 1'), logger, phase);
  await migrate(config.DATABASE_URL, opts.schema, opts.migrations);
  await waitFor('Kafka', () => describeCluster(kafka), logger, phase);

  const producer = new EventProducer(kafka, config.KAFKA_TOPIC_PREFIX);
  await producer.connect();
  const relay = startOutboxRelay({ name: opts.name, pool, producer, logger, metrics, schema: opts.schema, config });
  await relay.start();
  const maintenance = startTableMaintenance({ pool, logger, metrics, schema: opts.schema, config });
  const deps: WorkerDeps = { pool, producer, kafka, logger, metrics };
  const consumers: BatchConsumer[] = opts.consumers(deps).map((spec) =>
    createEventConsumer(
      {
        ...deps,
        topicPrefix: config.KAFKA_TOPIC_PREFIX,
        maxMessageBytes: config.MAX_MESSAGE_BYTES,
        fetch: fetchSettings(config),
        onFatal: opts.onFatal,
      },
      spec,
    ),
  );
  const background = opts.background?.(deps) ?? [];
  await Promise.all(consumers.map((c) => c.start()));
  for (const job of background) await job.start();
  phase.ready = true;
  logger.info({ ops: ops.url }, `${opts.name} started`);
  return {
    ...deps,
    opsUrl: ops.url,
    stop: async () => {
      phase.ready = false;
      for (const job of background) await job.stop();
      await Promise.all(consumers.map((c) => c.stop()));
      await relay.stop();
      await maintenance.stop();
      await producer.disconnect();
      await ops.app.close();
      await probes.close();
      await pool.end();
    },
  };
}

/**
 * The outbox relay of a service schema, publishing with `producer`, with its metrics (what waits in the outbox is read
 * through `pool`; the relay itself has its own connections, named `<name>-relay`).
 */
export function startOutboxRelay(opts: {
  name: string;
  pool: Pool;
  producer: EventProducer;
  logger: Logger;
  metrics: Registry;
  schema: string;
  config: Pick<BaseConfig, 'DATABASE_URL' | 'MAX_MESSAGE_BYTES'>;
}): OutboxRelay {
  const metrics = relayMetrics(opts.metrics, opts.pool);
  return new OutboxRelay({
    applicationName: `${opts.name}-relay`,
    databaseUrl: opts.config.DATABASE_URL,
    schema: opts.schema,
    maxMessageBytes: opts.config.MAX_MESSAGE_BYTES,
    logger: opts.logger.child({ component: 'outbox-relay' }),
    isRefusal: isBrokerRefusal,
    onParked: (topic) => metrics.parked.inc({ topic }),
    send: async (messages) => {
      await opts.producer.send(messages);
      const now = Date.now();
      for (const m of messages) {
        metrics.sent.inc({ topic: m.topic });
        metrics.wait.observe({ topic: m.topic }, Math.max(0, now - m.enqueuedAt.getTime()) / 1000);
      }
    },
  });
}

/** Keeps the statistics and dead rows of a service schema's tables in check (TableMaintenance), with its metric. */
export function startTableMaintenance(opts: {
  pool: Pool;
  logger: Logger;
  metrics: Registry;
  schema: string;
  config: Pick<BaseConfig, 'DB_MAINTENANCE_INTERVAL_MS'>;
}): TableMaintenance {
  const runs = new Counter({
    name: 'bg_table_maintenance_total',
    help: 'ANALYZE and VACUUM runs on the service schema, by table and action',
    labelNames: ['table', 'action'],
    registers: [opts.metrics],
  });
  const maintenance = new TableMaintenance({
    pool: opts.pool,
    schema: opts.schema,
    logger: opts.logger.child({ component: 'table-maintenance' }),
    intervalMs: opts.config.DB_MAINTENANCE_INTERVAL_MS,
    onPass: (done) => {
      for (const table of done.analyze) runs.inc({ table, action: 'analyze' });
      for (const table of done.vacuum) runs.inc({ table, action: 'vacuum' });
    },
  });
  maintenance.start();
  return maintenance;
}

/** The consumers' fetch settings from the configuration. */
export function fetchSettings(config: Pick<BaseConfig, 'KAFKA_FETCH_MIN_BYTES' | 'KAFKA_FETCH_MAX_WAIT_MS'>) {
  return { minBytes: config.KAFKA_FETCH_MIN_BYTES, maxWaitMs: config.KAFKA_FETCH_MAX_WAIT_MS };
}
