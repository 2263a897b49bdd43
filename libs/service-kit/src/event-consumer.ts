import type { Kafka } from 'kafkajs';
import { topicsReadBy, type EventType } from '@bg/contracts';
import {
  BatchConsumer,
  errorCodeHeader,
  internalDeadLetterTopics,
  sourceTopicHeader,
  type EventProducer,
  type IncomingEvent,
} from '@bg/kafka';
import {
  classifyDbError,
  enqueue,
  withTransaction,
  type OutboxMessage,
  type Pool,
  type PoolClient,
} from '@bg/postgres';
import { deadLetterTopic } from '@bg/contracts';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Logger } from './logger';
import { withConsumerSpan } from './telemetry';

/** What a unit of work leaves behind besides its state: messages for the outbox, and work to wake after commit. */
export type UnitResult = { outbox?: readonly OutboxMessage[]; afterCommit?: () => void };

/**
 * Applies one chunk of events inside the transaction it is given; must be idempotent. A chunk may hold several
 * partitions' events (those fetched together), each partition's in order; events of different partitions concern
 * different keys (accounts, records), so their order relative to each other carries no meaning.
 */
export type UnitOfWork = (tx: PoolClient, events: IncomingEvent[]) => Promise<UnitResult | void>;

export type EventConsumerSpec = {
  /** Consumer group id (prefixed like the topics). */
  groupId: string;
  /** The event types this consumer applies; the other types of the same topics are skipped unread. */
  consumes: readonly EventType[];
  apply: UnitOfWork;
  chunkSize?: number;
  concurrency?: number;
};

export type EventConsumerDeps = {
  pool: Pool;
  kafka: Kafka;
  producer: EventProducer;
  logger: Logger;
  metrics: Registry;
  topicPrefix: string;
  maxMessageBytes: number;
  fetch: { minBytes: number; maxWaitMs: number };
  onFatal: (error: unknown) => void;
};

const latencyBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * The one unit of work every consumer runs, written once: decode → one transaction (the handler's state changes and
 * its outbox rows) → commit → offsets. Failures are sorted by kind: a transient one is retried, one the input causes
 * dead-letters that input alone. Per-hop timings (time waited in Kafka, time to apply) go to the metrics.
 */
export function createEventConsumer(deps: EventConsumerDeps, spec: EventConsumerSpec): BatchConsumer {
  const metrics = consumerMetrics(deps.metrics);
  const logger = deps.logger.child({ component: 'consumer', group: spec.groupId });
  const internalDeadLetters = new Set(internalDeadLetterTopics);
  const deadLettered = (topic: string, code: string) => {
    metrics.deadLetters.inc({ topic, code });
    // An internal topic carries only what our own producers validated: a dead letter there is a bug.
    if (internalDeadLetters.has(deadLetterTopic(topic))) {
      logger.error({ topic, code }, 'dead letter on an internal topic: a producer emitted what its consumer refuses');
    }
  };
  const consumer = new BatchConsumer({
    kafka: deps.kafka,
    producer: deps.producer,
    logger,
    groupId: spec.groupId,
    topicPrefix: deps.topicPrefix,
    topics: topicsReadBy(spec.consumes),
    maxMessageBytes: deps.maxMessageBytes,
    fetch: deps.fetch,
    chunkSize: spec.chunkSize,
    concurrency: spec.concurrency,
    classify: classifyDbError,
    dependenciesHealthy: async () => (await deps.pool.query('SELECT 1'), true),
    onFatal: deps.onFatal,
    apply: async (events) => {
      const end = metrics.chunkSeconds.startTimer({ group: spec.groupId });
      // The chunk continues the trace of its last message; outbox rows written inside carry it on to the next hop.
      const topics = [...new Set(events.map((e) => e.topic))].join(',');
      const result = await withConsumerSpan(`${spec.groupId} ${topics}`, events.at(-1)!.headers, () =>
        withTransaction(deps.pool, async (tx) => {
          const unit = (await spec.apply(tx, events)) ?? {};
          await enqueue(tx, unit.outbox ?? []);
          return unit;
        }),
      );
      end();
      // A handler's own dead letters (a command naming what does not exist) went out through its outbox: counted
      // once they are committed, like the consumer's.
      for (const message of result.outbox ?? []) {
        const code = message.headers?.[errorCodeHeader];
        if (code) deadLettered(message.headers?.[sourceTopicHeader] ?? events[0]!.topic, code);
      }
      result.afterCommit?.();
    },
    observer: {
      applied: (events, startedAt) => {
        const done = Date.now();
        metrics.handled.inc({ topic: events[0]!.topic }, events.length);
        for (const event of events) {
          metrics.kafkaWait.observe({ topic: event.topic }, Math.max(0, startedAt - event.timestamp) / 1000);
          metrics.applySeconds.observe({ topic: event.topic }, (done - startedAt) / 1000);
        }
      },
      skipped: (topic, count) => metrics.skipped.inc({ topic }, count),
      deadLettered,
    },
  });
  metrics.lagSources.add({ groupId: spec.groupId, consumer });
  return consumer;
}

/** A scrape never waits on a broker that does not answer: its lag is then left out, not made up. */
const lagReadTimeoutMs = 2_000;

type ConsumerMetrics = ReturnType<typeof createConsumerMetrics>;
const registered = new WeakMap<Registry, ConsumerMetrics>();

/** One set of consumer metrics per registry, shared by every consumer of the process. */
function consumerMetrics(registry: Registry): ConsumerMetrics {
  let metrics = registered.get(registry);
  if (!metrics) registered.set(registry, (metrics = createConsumerMetrics(registry)));
  return metrics;
}

function createConsumerMetrics(registry: Registry) {
  const registers = [registry];
  const lagSources = new Set<{ groupId: string; consumer: BatchConsumer }>();
  return {
    lagSources,
    lag: new Gauge({
      name: 'bg_consumer_lag',
      help: 'Messages behind, per consumer group and partition: the log end against the committed offset, read from the broker at scrape time',
      labelNames: ['group', 'topic', 'partition'],
      registers,
      async collect() {
        this.reset();
        for (const source of lagSources) {
          let timer: NodeJS.Timeout | undefined;
          const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), lagReadTimeoutMs)));
          const lags = await Promise.race([source.consumer.lag().catch(() => null), timeout]).finally(() =>
            clearTimeout(timer),
          );
          for (const { topic, partition, lag } of lags ?? []) {
            this.set({ group: source.groupId, topic, partition: String(partition) }, lag);
          }
        }
      },
    }),
    handled: new Counter({
      name: 'bg_events_handled_total',
      help: 'Events applied, by topic',
      labelNames: ['topic'],
      registers,
    }),
    skipped: new Counter({
      name: 'bg_events_skipped_total',
      help: 'Events of types this consumer does not apply',
      labelNames: ['topic'],
      registers,
    }),
    deadLetters: new Counter({
      name: 'bg_dead_letters_total',
      help: 'Events dead-lettered, by source topic and code',
      labelNames: ['topic', 'code'],
      registers,
    }),
    chunkSeconds: new Histogram({
      name: 'bg_chunk_duration_seconds',
      help: 'Time to apply one chunk of events',
      labelNames: ['group'],
      buckets: latencyBuckets,
      registers,
    }),
    kafkaWait: new Histogram({
      name: 'bg_hop_kafka_wait_seconds',
      help: 'Per event: from its production (the previous hop handing it to Kafka) to the start of its chunk',
      labelNames: ['topic'],
      buckets: latencyBuckets,
      registers,
    }),
    applySeconds: new Histogram({
      name: 'bg_hop_apply_seconds',
      help: 'Per event: from the start of its chunk to its commit',
      labelNames: ['topic'],
      buckets: latencyBuckets,
      registers,
    }),
  };
}

/**
 * Outbox metrics, for the relay of each process; with `pool`, also what waits in the outbox right now (read at scrape
 * time, one small query each: the outbox is drained as it fills).
 */
export function relayMetrics(registry: Registry, pool?: Pool) {
  const registers = [registry];
  if (pool) outboxStateGauges(registers, pool);
  return {
    sent: new Counter({
      name: 'bg_outbox_sent_total',
      help: 'Messages the outbox relay published',
      labelNames: ['topic'],
      registers,
    }),
    parked: new Counter({
      name: 'bg_outbox_parked_total',
      help: 'Messages the broker refused for good, parked',
      labelNames: ['topic'],
      registers,
    }),
    wait: new Histogram({
      name: 'bg_hop_outbox_wait_seconds',
      help: 'Per message: from its commit to the outbox to the broker acknowledging it',
      labelNames: ['topic'],
      buckets: latencyBuckets,
      registers,
    }),
  };
}

function outboxStateGauges(registers: Registry[], pool: Pool): void {
  const read = async (sql: string): Promise<number | null> => {
    try {
      const { rows } = await pool.query<{ value: number | null }>(sql);
      return rows[0]?.value ?? null;
    } catch {
      return null; // the database is down: readiness says so; the gauge is left out rather than made up
    }
  };
  const gauge = (name: string, help: string, sql: string) =>
    new Gauge({
      name,
      help,
      registers,
      async collect() {
        this.reset();
        const value = await read(sql);
        if (value !== null) this.set(value);
      },
    });
  gauge(
    'bg_outbox_pending',
    'Messages committed to the outbox and not yet acknowledged by the broker',
    'SELECT count(*)::int AS value FROM outbox WHERE parked_at IS NULL',
  );
  gauge(
    'bg_outbox_oldest_age_seconds',
    'Age of the oldest message waiting in the outbox (0 when it is empty)',
    `SELECT coalesce(extract(epoch FROM clock_timestamp() - min(created_at)), 0)::float8 AS value
     FROM outbox WHERE parked_at IS NULL`,
  );
  gauge(
    'bg_outbox_parked',
    'Messages the broker refused for good, parked in the outbox (see Operations in the README)',
    'SELECT count(*)::int AS value FROM outbox WHERE parked_at IS NOT NULL',
  );
}
