import { randomBytes } from 'node:crypto';
import type { Kafka, Producer } from 'kafkajs';

export type ReceivedMessage = {
  key: string | null;
  /** The key's bytes as received. */
  rawKey: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string>;
  partition: number;
  offset: string;
  json: () => unknown;
};

/**
 * Reads a topic from the beginning into memory, for assertions: `waitFor` resolves once a predicate over everything
 * received so far holds, or fails after a timeout listing what did arrive.
 */
export class TopicProbe {
  readonly messages: ReceivedMessage[] = [];
  private readonly waiters = new Set<() => void>();
  private consumer: ReturnType<Kafka['consumer']> | null = null;

  constructor(
    private readonly kafka: Kafka,
    readonly topic: string,
  ) {}

  async start(): Promise<this> {
    this.consumer = this.kafka.consumer({ groupId: `probe-${randomBytes(4).toString('hex')}`, maxWaitTimeInMs: 500 });
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.topic, fromBeginning: true });
    await this.consumer.run({
      eachMessage: async ({ message, partition }) => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(message.headers ?? {})) if (v !== undefined) headers[k] = v.toString();
        this.messages.push({
          key: message.key?.toString() ?? null,
          rawKey: message.key ?? null,
          value: message.value,
          headers,
          partition,
          offset: message.offset,
          json: () => JSON.parse(message.value?.toString() ?? 'null'),
        });
        for (const wake of this.waiters) wake();
      },
    });
    return this;
  }

  /** Parsed values of everything received. */
  values<T = Record<string, unknown>>(): T[] {
    return this.messages.map((m) => m.json() as T);
  }

  async waitFor(predicate: (messages: ReceivedMessage[]) => boolean, timeoutMs = 20_000): Promise<ReceivedMessage[]> {
    if (predicate(this.messages)) return this.messages;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(
          new Error(
            `timed out on ${this.topic}; received ${this.messages.length}: ${this.messages.map((m) => m.value?.toString().slice(0, 200)).join('\n')}`,
          ),
        );
      }, timeoutMs);
      const check = () => {
        if (predicate(this.messages)) {
          clearTimeout(timer);
          this.waiters.delete(check);
          resolve();
        }
      };
      this.waiters.add(check);
    });
    return this.messages;
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}

/** A plain producer for tests, as an upstream CRM would be. */
export async function connectTestProducer(kafka: Kafka): Promise<Producer> {
  // Idempotent: a send retried after a timeout on a loaded machine must not put a message on the topic twice.
  const producer = kafka.producer({ allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  return producer;
}

/** A CloudEvent value as a CRM would publish it. */
export function crmEvent(
  type: string,
  data: unknown,
  id = `evt-${randomBytes(6).toString('hex')}`,
  source = 'crm/test',
): string {
  return JSON.stringify({
    specversion: '1.0',
    id,
    type,
    source,
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    data,
  });
}
