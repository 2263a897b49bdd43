import {
  CompressionTypes,
  Partitioners,
  type Admin,
  type Kafka,
  type Message,
  type PartitionMetadata,
  type Producer,
} from 'kafkajs';
import { physicalTopic } from './client';

/**
 * A message for the producer. Keys and values may be Buffers so that a dead letter is byte-identical to what was
 * received (a null value, a tombstone, stays null).
 */
export type OutgoingMessage = {
  topic: string;
  key: string | Buffer | null;
  value: string | Buffer | null;
  headers?: Record<string, string | Buffer>;
};

/**
 * An idempotent producer (acks=all) with one request in flight, so retries never reorder a key's messages (group
 * versions must reach consumers in order). Topics are logical names; the prefix is applied here.
 *
 * Each send request covers one partition. kafkajs' `sendBatch` retries only the brokers that have not answered yet:
 * when a broker dies mid-send and its partitions' leadership moves to a broker that already acknowledged its own part,
 * the moved partitions are never sent and the call still resolves (tulios/kafkajs#1303, unfixed in 2.2.4), so an
 * outbox row would be deleted for a message no broker has. With one partition per request, the retry goes to the new
 * leader, which has not answered. Partitions are chosen as kafkajs' default partitioner does (murmur2 of the key, as
 * the Java client), so keys land where they always did.
 */
export class EventProducer {
  private readonly producer: Producer;
  private readonly admin: Admin;
  private readonly partitioner = Partitioners.DefaultPartitioner();
  /** Each topic's partitions, read again after five minutes (kafkajs' own metadata age) in case some were added. */
  private readonly partitions = new Map<string, { metadata: PartitionMetadata[]; readAt: number }>();

  constructor(
    kafka: Kafka,
    private readonly topicPrefix: string,
  ) {
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.admin = kafka.admin();
  }

  async connect(): Promise<void> {
    await this.producer.connect();
    await this.admin.connect();
  }

  async disconnect(): Promise<void> {
    await this.producer.disconnect();
    await this.admin.disconnect();
  }

  /**
   * Sends all messages (order kept per partition, hence per key) and resolves when the broker leading each partition
   * acknowledged its messages with every in-sync replica (acks=all).
   */
  async send(messages: OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const byPartition = new Map<string, { topic: string; partition: number; messages: Message[] }>();
    for (const message of messages) {
      const topic = physicalTopic(this.topicPrefix, message.topic);
      const partitionMetadata = await this.partitionsOf(topic);
      const outgoing: Message = { key: message.key, value: message.value, headers: message.headers };
      const partition = this.partitioner({ topic, partitionMetadata, message: outgoing });
      const request = byPartition.get(`${partition}:${topic}`) ?? { topic, partition, messages: [] };
      request.messages.push({ ...outgoing, partition });
      byPartition.set(`${partition}:${topic}`, request);
    }
    await Promise.all(
      [...byPartition.values()].map(({ topic, messages: list }) =>
        this.producer.send({ topic, acks: -1, compression: CompressionTypes.None, messages: list }),
      ),
    );
  }

  private async partitionsOf(topic: string): Promise<PartitionMetadata[]> {
    const known = this.partitions.get(topic);
    if (known && Date.now() - known.readAt < partitionsMaxAgeMs) return known.metadata;
    const { topics } = await this.admin.fetchTopicMetadata({ topics: [topic] });
    const metadata = topics[0]!.partitions;
    this.partitions.set(topic, { metadata, readAt: Date.now() });
    return metadata;
  }
}

const partitionsMaxAgeMs = 5 * 60_000;

/** Protocol errors by which the broker refuses a message for good: resending it would fail the same way. */
const refusals = new Set([
  'MESSAGE_TOO_LARGE',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_RECORD',
  'CORRUPT_MESSAGE',
  'INVALID_REQUIRED_ACKS',
]);

/** Whether a send failed because the broker refuses the message itself (as opposed to being unreachable or busy). */
export function isBrokerRefusal(error: unknown): boolean {
  const seen = new Set<unknown>();
  const visit = (e: unknown): boolean => {
    if (e === null || typeof e !== 'object' || seen.has(e)) return false;
    seen.add(e);
    const { type, cause, errors } = e as { type?: unknown; cause?: unknown; errors?: unknown };
    if (typeof type === 'string' && refusals.has(type)) return true;
    return visit(cause) || (Array.isArray(errors) && errors.some(visit));
  };
  return visit(error);
}
