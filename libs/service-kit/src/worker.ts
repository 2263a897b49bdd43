import type { Kafka } from 'kafkajs';
import { BatchConsumer, createKafka, EventProducer, type IncomingEvent } from '@bg/kafka';
import { createPool, isTransientDbError, OutboxRelay, type Pool } from '@bg/postgres';
import type { z } from 'zod';
import type { BaseConfig } from './config';
import type { Logger } from './logger';
import { createMetricsRegistry, startOpsServer } from './ops-server';
import { withConsumerSpan } from './telemetry';
import { Counter, Histogram, type Registry } from 'prom-client';

export type ConsumerSpec = {
  /** Consumer group id; also the inbox name for dedupe. */
  groupId: string;
  topics: Record<string, Record<string, z.ZodType>>;
  handle: (events: IncomingEvent[]) => Promise<void>;
  chunkSize?: number;
  maxEventBytes?: number;
};

export type WorkerDeps = { pool: Pool; producer: EventProducer; kafka: Kafka; logger: Logger; metrics: Registry };

export type WorkerOptions = {
  name: string;
  schema: string;
  config: BaseConfig;
  logger: Logger;
  consumers: (deps: WorkerDeps) => ConsumerSpec[];
  /** Extra periodic or background work (e.g. a re-score timer), started after the consumers, stopped before them. */
  background?: (deps: WorkerDeps) => { start: () => Promise<void>; stop: () => Promise<void> }[];
  onFatal: (error: unknown) => void;
  poolSize?: number;
};

export type RunningWorker = WorkerDeps & { opsUrl: string; stop: () => Promise<void> };

/**
 * The shell every Kafka-driven service shares: pool → producer → outbox relay → consumers → ops endpoints, and the
 * reverse order on stop. Services supply only their consumers' handlers.
 */
export async function startWorker(opts: WorkerOptions): Promise<RunningWorker> {
  const { config, logger } = opts;
  const metrics = createMetricsRegistry(opts.name);
  const pool = createPool(config.DATABASE_URL, { schema: opts.schema, max: opts.poolSize ?? 8, applicationName: opts.name });
  pool.on('error', (error) => logger.error({ err: error }, 'idle database client error'));
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: opts.name, logger: logger.child({ component: 'kafka' }) });
  const producer = new EventProducer(kafka, config.KAFKA_TOPIC_PREFIX);
  await producer.connect();
  const sentCounter = new Counter({ name: 'bg_outbox_sent_total', help: 'Messages the outbox relay published', labelNames: ['topic'], registers: [metrics] });
  const relay = new OutboxRelay({
    pool,
    databaseUrl: config.DATABASE_URL,
    schema: opts.schema,
    logger: logger.child({ component: 'outbox-relay' }),
    send: async (messages) => {
      await producer.send(messages);
      for (const m of messages) sentCounter.inc({ topic: m.topic });
    },
  });
  await relay.start();
  const deps: WorkerDeps = { pool, producer, kafka, logger, metrics };
  const handled = new Counter({ name: 'bg_events_handled_total', help: 'Events applied, by topic', labelNames: ['topic'], registers: [metrics] });
  const chunkSeconds = new Histogram({ name: 'bg_chunk_duration_seconds', help: 'Time to apply one chunk of events', labelNames: ['group'], registers: [metrics] });
  const consumers = opts.consumers(deps).map(
    (spec) =>
      new BatchConsumer({
        kafka,
        producer,
        logger: logger.child({ component: 'consumer', group: spec.groupId }),
        groupId: spec.groupId,
        topicPrefix: config.KAFKA_TOPIC_PREFIX,
        topics: spec.topics,
        chunkSize: spec.chunkSize,
        maxEventBytes: spec.maxEventBytes,
        isTransient: isTransientDbError,
        onFatal: opts.onFatal,
        handle: async (events) => {
          const end = chunkSeconds.startTimer({ group: spec.groupId });
          // The chunk continues the trace of its last message; outbox rows written inside carry it on to the next hop.
          await withConsumerSpan(`${spec.groupId} ${events[0]!.topic}`, events.at(-1)!.headers, () => spec.handle(events));
          end();
          handled.inc({ topic: events[0]!.topic }, events.length);
        },
      }),
  );
  const background = opts.background?.(deps) ?? [];
  let ready = false;
  await Promise.all(consumers.map((c) => c.start()));
  for (const job of background) await job.start();
  ready = true;
  const ops = await startOpsServer(config.OPS_PORT, {
    registry: metrics,
    isReady: () => ready,
    checks: [
      { name: 'postgres', check: async () => void (await pool.query('SELECT 1')) },
      {
        name: 'kafka',
        check: async () => {
          const admin = kafka.admin();
          await admin.connect();
          try {
            await admin.describeCluster();
          } finally {
            await admin.disconnect();
          }
        },
      },
    ],
  });
  logger.info({ ops: ops.url }, `${opts.name} started`);
  return {
    ...deps,
    opsUrl: ops.url,
    stop: async () => {
      ready = false;
      for (const job of background) await job.stop();
      await Promise.all(consumers.map((c) => c.stop()));
      await relay.stop();
      await producer.disconnect();
      await ops.app.close();
      await pool.end();
    },
  };
}
