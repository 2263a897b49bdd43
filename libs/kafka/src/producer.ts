import { CompressionTypes, type Kafka, type Producer } from 'kafkajs';
import { physicalTopic } from './client';

export type OutgoingMessage = { topic: string; key: string; value: string | Buffer; headers?: Record<string, string | Buffer> };

/**
 * An idempotent producer with one request in flight, so retries never reorder a key's messages (group versions
 * must reach consumers in order). Topics are logical names; the prefix is applied here.
 */
export class EventProducer {
  private readonly producer: Producer;

  constructor(
    kafka: Kafka,
    private readonly topicPrefix: string,
  ) {
    this.producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }

  /** Sends all messages (grouped by topic, order kept per topic) and resolves when every broker acknowledged them. */
  async send(messages: OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const byTopic = new Map<string, OutgoingMessage[]>();
    for (const message of messages) {
      const list = byTopic.get(message.topic) ?? [];
      list.push(message);
      byTopic.set(message.topic, list);
    }
    await this.producer.sendBatch({
      acks: -1,
      compression: CompressionTypes.None,
      topicMessages: [...byTopic].map(([topic, list]) => ({
        topic: physicalTopic(this.topicPrefix, topic),
        messages: list.map((m) => ({ key: m.key, value: m.value, headers: m.headers })),
      })),
    });
  }
}
