import type { Admin, Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { deadLetterTopic, type DeadLetterCode, type TopicReading } from '@bg/contracts';
import { physicalTopic, type KafkaLogger } from './client';
import { ChunkMerger } from './chunk-merger';
import { decodeCloudEvent, printable, typeHeader, type DecodedEvent } from './cloud-event';
import type { EventProducer } from './producer';

/** A valid message handed to a handler, with where it came from (logical topic name) and when it was produced. */
export type IncomingEvent = {
  topic: string;
  partition: number;
  offset: string;
  /** The producer's timestamp (ms): the moment the previous hop handed it to Kafka. */
  timestamp: number;
  key: string | null;
  headers: Record<string, string>;
  event: DecodedEvent;
  /** The value as received (valid UTF-8, or it would not have decoded): what a handler's dead letter carries on. */
  value: Buffer;
};

/**
 * The dead letter of an event a handler refuses after decoding (e.g. a command naming what does not exist): the same
 * key, value and headers as the consumer's own dead letters, ready for the handler's outbox — so it is written in the
 * same transaction as the rest of the chunk and sent exactly when that commits.
 */
export function deadLetterOf(
  incoming: IncomingEvent,
  code: DeadLetterCode,
  reason: string,
): { topic: string; key: string; value: string; headers: Record<string, string> } {
  return {
    topic: deadLetterTopic(incoming.topic),
    key: incoming.key ?? '',
    value: incoming.value.toString('utf8'),
    headers: {
      ...incoming.headers,
      ...errorHeaders(code, reason, incoming.topic, incoming.partition, incoming.offset),
    },
  };
}

/** The header of a dead letter that says why it was refused (a `DeadLetterCode`). */
export const errorCodeHeader = 'x-error-code';
/** The header of a dead letter that names the topic it was read from. */
export const sourceTopicHeader = 'x-source-topic';

function errorHeaders(
  code: DeadLetterCode,
  reason: string,
  topic: string,
  partition: number,
  offset: string,
): Record<string, string> {
  return {
    [errorCodeHeader]: code,
    // What went wrong may quote the input: kept printable, whatever the input held.
    'x-error-message': printable(reason.slice(0, 2_000)),
    [sourceTopicHeader]: topic,
    'x-source-partition': String(partition),
    'x-source-offset': offset,
  };
}

/** What went wrong with a failed unit of work: worth retrying in place, or a property of the input itself. */
export type FailureKind = 'transient' | 'deterministic';

/** Hooks for metrics and logs; every one is optional. */
export type ConsumerObserver = {
  deadLettered?: (topic: string, code: string) => void;
  skipped?: (topic: string, count: number) => void;
  /** A chunk was applied: its events, and when its handling started (ms). */
  applied?: (events: IncomingEvent[], startedAt: number) => void;
};

export type ConsumerOptions = {
  kafka: Kafka;
  producer: EventProducer;
  logger: KafkaLogger;
  groupId: string;
  topicPrefix: string;
  /** Logical topic → the types applied and the types skipped; anything else is dead-lettered. */
  topics: Record<string, TopicReading>;
  /**
   * Applies one chunk of valid events atomically (one transaction) and idempotently (a redelivered event has no further
   * effect); offsets are committed only after it resolves. A chunk may hold several partitions' events (of any of the
   * topics read), each partition's in order.
   */
  apply: (events: IncomingEvent[]) => Promise<void>;
  /** Tells a transient failure (connection loss, serialization failure) from one the input itself causes. */
  classify: (error: unknown) => FailureKind;
  /**
   * Whether the dependencies answer now. When a single event keeps failing "transiently" while they do, the event is
   * the cause (e.g. a statement it makes time out): it is dead-lettered instead of crashing the consumer for ever.
   */
  dependenciesHealthy: () => Promise<boolean>;
  /** Called when the consumer stops for good; the process should exit non-zero so a supervisor restarts it. */
  onFatal: (error: unknown) => void;
  /** Larger values are dead-lettered as `too-large`; also the most the consumer fetches per partition. */
  maxMessageBytes: number;
  /**
   * How a fetch gathers data: the broker answers once `minBytes` are there or `maxWaitMs` passed. A little patience
   * under a light load makes fewer, fuller chunks (fewer transactions and broker requests per event).
   */
  fetch?: { minBytes: number; maxWaitMs: number };
  /** The most events in one chunk (one unit of work). */
  chunkSize?: number;
  /**
   * Chunks applied side by side. The partitions of a fetch hand their events over together and go as one chunk (up to
   * `chunkSize`): under a light load a unit of work costs mostly per unit, not per event.
   */
  concurrency?: number;
  fromBeginning?: boolean;
  /** How long a transient failure is retried in place before the consumer gives up (and the process restarts). */
  transientRetryMs?: number;
  observer?: ConsumerObserver;
};

type Rejected = { message: KafkaMessage; code: DeadLetterCode; reason: string };

/** How far a consumer group is behind on one partition: messages in the log past its committed offset. */
export type PartitionLag = { topic: string; partition: number; lag: number };

/**
 * Runs a batch consumer: decode → dead-letter the invalid → hand the valid to `apply` in chunks → commit offsets.
 * At-least-once delivery; the handler's idempotence makes the effect exactly-once. A chunk that fails because of its
 * input is applied again one event at a time, and the event that fails alone is dead-lettered with the reason: no
 * single message can stop the pipeline, and no input crashes the consumer twice.
 */
export class BatchConsumer {
  private readonly consumer: Consumer;
  private readonly logicalByPhysical: Map<string, string>;
  /** Connected on the first `lag()`: only a process whose metrics are scraped pays for it. */
  private admin: Admin | undefined;
  private stopped = false;
  /** Merges the chunks of the partitions fetched together into one unit of work. */
  private readonly merger: ChunkMerger<PartitionChunk, MergedOutcome>;

  constructor(private readonly opts: ConsumerOptions) {
    this.consumer = opts.kafka.consumer({
      // Environments sharing a broker (tests, side-by-side stacks) must not share consumer groups either.
      groupId: physicalTopic(opts.topicPrefix, opts.groupId),
      // A crashed replica's partitions move on after 10 s rather than the default 30 s.
      sessionTimeout: 10_000,
      heartbeatInterval: 3_000,
      minBytes: opts.fetch?.minBytes ?? 1,
      maxWaitTimeInMs: opts.fetch?.maxWaitMs ?? 500,
      // A message as large as the size setting must fit in one fetch.
      maxBytesPerPartition: Math.max(1024 * 1024, opts.maxMessageBytes),
      maxBytes: Math.max(10 * 1024 * 1024, 2 * opts.maxMessageBytes),
      // A crashed consumer is not restarted in-process: we exit and let the supervisor restart us clean.
      // Retries ride out a broker that is coming back (its group coordinator still loading, about a minute at most);
      // past them the consumer crashes for good, the process exits, and the supervisor restarts it clean.
      retry: { initialRetryTime: 300, maxRetryTime: 10_000, retries: 10, restartOnFailure: async () => false },
    });
    this.logicalByPhysical = new Map(Object.keys(opts.topics).map((t) => [physicalTopic(opts.topicPrefix, t), t]));
    this.merger = new ChunkMerger({
      sizeOf: (chunk) => chunk.events.length,
      maxItems: opts.chunkSize ?? defaultChunkSize,
      maxInFlight: opts.concurrency ?? 3,
      apply: (chunks) => this.applyMerged(chunks),
    });
  }

  async start(): Promise<void> {
    this.consumer.on(this.consumer.events.CRASH, (event) => {
      if (!event.payload.restart) this.opts.onFatal(event.payload.error);
    });
    await this.consumer.connect();
    await this.consumer.subscribe({
      topics: [...this.logicalByPhysical.keys()],
      fromBeginning: this.opts.fromBeginning ?? true,
    });
    await this.consumer.run({
      eachBatchAutoResolve: false,
      // Every partition of a fetch is handed over at once, so that the merger can apply them as one chunk; how many
      // chunks are applied side by side is the merger's `concurrency`.
      partitionsConsumedConcurrently: partitionsHandedOverAtOnce,
      autoCommit: true,
      // Committing at most every 500 ms instead of after every chunk saves a broker round trip per chunk; what a crash
      // leaves uncommitted is redelivered and has no further effect. kafkajs itself committed after every batch with
      // eachBatch whatever the interval (tulios/kafkajs#1014): at 10 updates/s the broker's most frequent request. Our
      // patch (patches/kafkajs+2.2.4.patch) makes it keep the interval, commit an idle partition's tail on its empty
      // fetches, and commit on stop.
      autoCommitInterval: 500,
      eachBatch: (payload) => this.eachBatch(payload),
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.consumer.disconnect();
    await this.admin?.disconnect();
  }

  /**
   * The group's lag on every partition of its topics, as the broker sees it (its committed offsets against each log's
   * end), so a consumer that is stuck or gone shows its lag growing. Offsets are committed every 500 ms: a lag of a
   * few hundred under load is the commit interval, not a backlog. Empty once stopped.
   */
  async lag(): Promise<PartitionLag[]> {
    if (this.stopped) return [];
    if (!this.admin) {
      const admin = this.opts.kafka.admin();
      await admin.connect();
      this.admin = admin;
    }
    const admin = this.admin;
    const groupId = physicalTopic(this.opts.topicPrefix, this.opts.groupId);
    const physical = [...this.logicalByPhysical.keys()];
    const committed = await admin.fetchOffsets({ groupId, topics: physical });
    const result: PartitionLag[] = [];
    for (const { topic, partitions } of committed) {
      const ends = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, p]));
      for (const { partition, offset } of partitions) {
        const end = ends.get(partition);
        if (!end) continue;
        // No commit yet: the group starts from the beginning, so everything still in the log is behind.
        const from = offset === '-1' ? Number(end.low) : Number(offset);
        result.push({
          topic: this.logicalByPhysical.get(topic) ?? topic,
          partition,
          lag: Math.max(0, Number(end.high) - from),
        });
      }
    }
    return result;
  }

  /** Resolves once the group has been joined and partitions assigned (useful for tests and the start script). */
  waitForAssignment(timeoutMs = 30_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no partition assignment in time')), timeoutMs);
      const off = this.consumer.on(this.consumer.events.GROUP_JOIN, () => {
        clearTimeout(timer);
        off();
        resolve();
      });
    });
  }

  private async eachBatch({
    batch,
    resolveOffset,
    heartbeat,
    isRunning,
    isStale,
    commitOffsetsIfNecessary,
  }: EachBatchPayload) {
    const topic = this.logicalByPhysical.get(batch.topic) ?? batch.topic;
    const reading = this.opts.topics[topic] ?? { applies: {}, skips: [] };
    const chunkSize = this.opts.chunkSize ?? defaultChunkSize;
    for (let start = 0; start < batch.messages.length; start += chunkSize) {
      if (!isRunning() || isStale()) return;
      const startedAt = Date.now();
      const chunk = batch.messages.slice(start, start + chunkSize);
      const valid: IncomingEvent[] = [];
      const invalid: Rejected[] = [];
      let skipped = 0;
      for (const message of chunk) {
        const headers = stringHeaders(message.headers);
        const decoded = decodeCloudEvent(message.value, reading, this.opts.maxMessageBytes, headers[typeHeader]);
        if (decoded.ok === 'skip') {
          skipped++;
        } else if (decoded.ok) {
          valid.push({
            topic,
            partition: batch.partition,
            offset: message.offset,
            timestamp: Number(message.timestamp),
            key: message.key?.toString('utf8') ?? null,
            headers,
            event: decoded.event,
            value: message.value!,
          });
        } else {
          invalid.push({ message, code: decoded.code, reason: decoded.message });
        }
      }
      if (skipped > 0) this.opts.observer?.skipped?.(topic, skipped);
      if (valid.length > 0) {
        const merged = await this.merger.submit({ events: valid, heartbeat });
        if (merged !== 'applied') {
          await this.applyOrIsolate(topic, batch.partition, valid, chunk, heartbeat, merged.alone ? merged : undefined);
        }
      }
      if (valid.length > 0) this.opts.observer?.applied?.(valid, startedAt);
      // After the apply, right before the offset moves: a chunk whose apply fails and is delivered again has not
      // dead-lettered its invalid messages yet (a dead letter is at least once: a crash between the two repeats it).
      if (invalid.length > 0) await this.deadLetter(topic, batch.partition, invalid);
      resolveOffset(chunk[chunk.length - 1]!.offset);
      await commitOffsetsIfNecessary();
      await heartbeat();
    }
  }

  /**
   * Applies the partitions' chunks as one. When that fails because of its input, each partition's chunk is tried again
   * on its own (`applyOrIsolate`); a chunk that was alone already goes straight to one event at a time.
   */
  private async applyMerged(chunks: PartitionChunk[]): Promise<MergedOutcome> {
    const events = chunks.flatMap((c) => c.events);
    // Any partition's heartbeat keeps the consumer's membership of the group alive.
    try {
      await this.withRetries(() => this.opts.apply(events), chunks[0]!.heartbeat, events.length === 1);
      return 'applied';
    } catch (error) {
      if (!(error instanceof InputFailure)) throw error;
      return { alone: chunks.length === 1, failure: error };
    }
  }

  /**
   * Applies the chunk (unless it failed already: `failed`); when it fails because of its input, applies its events one
   * by one and dead-letters the ones that fail alone (code `invalid-data`, the error in the message), so the rest of
   * the chunk still applies.
   */
  private async applyOrIsolate(
    topic: string,
    partition: number,
    events: IncomingEvent[],
    raw: KafkaMessage[],
    heartbeat: () => Promise<void>,
    failed?: { failure: InputFailure },
  ): Promise<void> {
    let failure = failed?.failure;
    if (!failure) {
      try {
        await this.withRetries(() => this.opts.apply(events), heartbeat, events.length === 1);
        return;
      } catch (error) {
        if (!(error instanceof InputFailure)) throw error;
        failure = error;
      }
    }
    if (events.length === 1) {
      await this.deadLetterFailed(topic, partition, events[0]!, raw, failure.cause);
      return;
    }
    this.opts.logger.warn(
      { err: failure.cause, topic, partition, events: events.length },
      'chunk failed; applying its events one by one',
    );
    for (const event of events) {
      try {
        await this.withRetries(() => this.opts.apply([event]), heartbeat, true);
      } catch (error) {
        if (!(error instanceof InputFailure)) throw error;
        await this.deadLetterFailed(topic, partition, event, raw, error.cause);
      }
      // One transaction per event can outlast the session timeout under load: without a heartbeat the group would
      // hand the partition on, and the chunk (its dead letters included) would be delivered again.
      await heartbeat();
    }
  }

  private async deadLetterFailed(
    topic: string,
    partition: number,
    event: IncomingEvent,
    raw: KafkaMessage[],
    cause: unknown,
  ) {
    const message = raw.find((m) => m.offset === event.offset)!;
    const reason = `could not be applied: ${describeError(cause)}`;
    this.opts.logger.error(
      { err: cause, topic, partition, offset: event.offset, eventId: event.event.id },
      'event failed alone; dead-lettering it',
    );
    await this.deadLetter(topic, partition, [{ message, code: 'invalid-data', reason }]);
  }

  /** Byte-identical key and value (a null stays null), original headers kept, plus the CONTRACT's error headers. */
  private async deadLetter(topic: string, partition: number, rejected: Rejected[]) {
    for (const { message, code, reason } of rejected) {
      this.opts.logger.warn({ topic, partition, offset: message.offset, code, reason }, 'dead-lettering event');
      this.opts.observer?.deadLettered?.(topic, code);
    }
    await this.opts.producer.send(
      rejected.map(({ message, code, reason }) => ({
        topic: deadLetterTopic(topic),
        key: message.key,
        value: message.value,
        headers: { ...rawHeaders(message.headers), ...errorHeaders(code, reason, topic, partition, message.offset) },
      })),
    );
  }

  /**
   * Retries transient failures with backoff (heartbeating, so the group keeps the partition) for up to
   * `transientRetryMs`. Throws InputFailure for a failure the input causes — or, for a single event, a "transient" one
   * that persists while the dependencies answer — and the last error otherwise.
   */
  private async withRetries(fn: () => Promise<void>, heartbeat: () => Promise<void>, single: boolean): Promise<void> {
    const deadline = Date.now() + (this.opts.transientRetryMs ?? 60_000);
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (error) {
        if (this.opts.classify(error) === 'deterministic') throw new InputFailure(error);
        if (Date.now() >= deadline) {
          if (single && (await this.opts.dependenciesHealthy().catch(() => false))) throw new InputFailure(error);
          throw error;
        }
        const delay = Math.min(100 * 2 ** attempt, 5_000);
        this.opts.logger.warn({ err: error, attempt, delay }, 'transient error; retrying chunk');
        await new Promise((r) => setTimeout(r, delay));
        await heartbeat();
      }
    }
  }
}

const defaultChunkSize = 500;

/**
 * kafkajs's workers: only decode and hand over to the merger, so there are enough for every partition a fetch brings
 * (a service reads a few topics of a few partitions each).
 */
const partitionsHandedOverAtOnce = 64;

/** What became of a merged chunk: applied, or failed because of its input (alone, or merged with others). */
type MergedOutcome = 'applied' | { alone: boolean; failure: InputFailure };

/** One partition's valid events of one chunk, as handed to the merger. */
type PartitionChunk = { events: IncomingEvent[]; heartbeat: () => Promise<void> };

/** A failure caused by the input, not by the environment: retrying the same input would fail the same way. */
class InputFailure extends Error {
  constructor(override readonly cause: unknown) {
    super(describeError(cause));
  }
}

function describeError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return typeof code === 'string' ? `${message} (${code})` : message;
}

function stringHeaders(headers: KafkaMessage['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) out[name] = first.toString();
  }
  return out;
}

function rawHeaders(headers: KafkaMessage['headers']): Record<string, Buffer | string> {
  const out: Record<string, Buffer | string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) out[name] = first;
  }
  return out;
}
