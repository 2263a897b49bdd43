import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { deadLetterTopic } from '@bg/contracts';
import type { z } from 'zod';
import { physicalTopic, type KafkaLogger } from './client';
import { decodeCloudEvent, type DecodedEvent } from './cloud-event';
import type { EventProducer } from './producer';

/** A valid message handed to a handler, with where it came from (logical topic name). */
export type IncomingEvent = {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  headers: Record<string, string>;
  event: DecodedEvent;
};

export type ConsumerOptions = {
  kafka: Kafka;
  producer: EventProducer;
  logger: KafkaLogger;
  groupId: string;
  topicPrefix: string;
  /** Logical topic → (event type → data schema). Anything else is dead-lettered. */
  topics: Record<string, Record<string, z.ZodType>>;
  /**
   * Applies one chunk of valid events from one partition, in order. It must be idempotent per event id (inbox) and
   * atomic (one transaction); offsets are committed only after it resolves.
   */
  handle: (events: IncomingEvent[]) => Promise<void>;
  /** Errors worth retrying in place (connection loss, serialization failure); others crash the consumer. */
  isTransient: (error: unknown) => boolean;
  /** Called when the consumer stops for good; the process should exit non-zero so a supervisor restarts it. */
  onFatal: (error: unknown) => void;
  maxEventBytes?: number;
  chunkSize?: number;
  /** Partitions applied at the same time (each chunk is its own transaction). */
  concurrency?: number;
  fromBeginning?: boolean;
  retries?: number;
};

/**
 * Runs a batch consumer: decode → dead-letter the invalid → hand the valid to `handle` in chunks → commit offsets.
 * At-least-once delivery; the handler's inbox makes the effect exactly-once.
 */
export class BatchConsumer {
  private readonly consumer: Consumer;
  private readonly logicalByPhysical: Map<string, string>;

  constructor(private readonly opts: ConsumerOptions) {
    this.consumer = opts.kafka.consumer({
      // Environments sharing a broker (tests, side-by-side stacks) must not share consumer groups either.
      groupId: physicalTopic(opts.topicPrefix, opts.groupId),
      // A crashed replica's partitions move on after 10 s rather than the default 30 s.
      sessionTimeout: 10_000,
      heartbeatInterval: 3_000,
      maxWaitTimeInMs: 100,
      // A crashed consumer is not restarted in-process: we exit and let the supervisor restart us clean.
      retry: { retries: 5, restartOnFailure: async () => false },
    });
    this.logicalByPhysical = new Map(Object.keys(opts.topics).map((t) => [physicalTopic(opts.topicPrefix, t), t]));
  }

  async start(): Promise<void> {
    this.consumer.on(this.consumer.events.CRASH, (event) => {
      if (!event.payload.restart) this.opts.onFatal(event.payload.error);
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [...this.logicalByPhysical.keys()], fromBeginning: this.opts.fromBeginning ?? true });
    await this.consumer.run({
      eachBatchAutoResolve: false,
      // Partitions carry different accounts, so their chunks can be applied side by side (row locks order the rest).
      partitionsConsumedConcurrently: this.opts.concurrency ?? 3,
      autoCommit: true,
      // Committing at most every 500 ms instead of after every chunk saves a broker round trip per chunk; what a crash
      // leaves uncommitted is redelivered and dropped by the inbox.
      autoCommitInterval: 500,
      eachBatch: (payload) => this.eachBatch(payload),
    });
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
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

  private async eachBatch({ batch, resolveOffset, heartbeat, isRunning, isStale, commitOffsetsIfNecessary }: EachBatchPayload) {
    const topic = this.logicalByPhysical.get(batch.topic) ?? batch.topic;
    const schemas = this.opts.topics[topic] ?? {};
    const chunkSize = this.opts.chunkSize ?? 500;
    for (let start = 0; start < batch.messages.length; start += chunkSize) {
      if (!isRunning() || isStale()) return;
      const chunk = batch.messages.slice(start, start + chunkSize);
      const valid: IncomingEvent[] = [];
      const invalid: { message: KafkaMessage; code: string; reason: string }[] = [];
      for (const message of chunk) {
        const decoded = decodeCloudEvent(message.value, schemas, this.opts.maxEventBytes ?? 256 * 1024);
        if (decoded.ok) {
          valid.push({
            topic,
            partition: batch.partition,
            offset: message.offset,
            key: message.key?.toString('utf8') ?? null,
            headers: stringHeaders(message.headers),
            event: decoded.event,
          });
        } else {
          invalid.push({ message, code: decoded.code, reason: decoded.message });
        }
      }
      if (invalid.length > 0) await this.deadLetter(topic, batch.partition, invalid);
      if (valid.length > 0) await this.withRetries(() => this.opts.handle(valid), heartbeat);
      resolveOffset(chunk[chunk.length - 1]!.offset);
      await commitOffsetsIfNecessary();
      await heartbeat();
    }
  }

  /** Byte-identical value and key, original headers kept, plus the CONTRACT's error headers. */
  private async deadLetter(topic: string, partition: number, invalid: { message: KafkaMessage; code: string; reason: string }[]) {
    for (const { message, code, reason } of invalid) {
      this.opts.logger.warn({ topic, partition, offset: message.offset, code, reason }, 'dead-lettering invalid event');
    }
    await this.opts.producer.send(
      invalid.map(({ message, code, reason }) => ({
        topic: deadLetterTopic(topic),
        key: message.key?.toString('utf8') ?? '',
        value: message.value ?? Buffer.alloc(0),
        headers: {
          ...rawHeaders(message.headers),
          'x-error-code': code,
          'x-error-message': reason,
          'x-source-topic': topic,
          'x-source-partition': String(partition),
          'x-source-offset': message.offset,
        },
      })),
    );
  }

  private async withRetries(fn: () => Promise<void>, heartbeat: () => Promise<void>): Promise<void> {
    const retries = this.opts.retries ?? 5;
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (error) {
        if (attempt >= retries || !this.opts.isTransient(error)) throw error;
        const delay = Math.min(100 * 2 ** attempt, 5_000);
        this.opts.logger.warn({ err: error, attempt, delay }, 'transient error; retrying chunk');
        await new Promise((r) => setTimeout(r, delay));
        await heartbeat();
      }
    }
  }
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
