import { createHash } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import { Topics, type BuyingGroupChanged } from '@bg/contracts';

/**
 * Follows the public topic as a journey system would and notes when the first version naming each input event id
 * (`cause` or `coalesced`) arrived. It reads only the end of each value (where `cause` and `coalesced` are), so that it
 * competes for the cores no more than it must. A consumer that gives up (the broker gone too long) is started again.
 */
export class ArrivalProbe {
  readonly arrivals = new Map<string, number>();
  private consumer: Consumer | null = null;
  private stopped = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly groupId: string,
  ) {}

  async start(): Promise<void> {
    const consumer = this.kafka.consumer({ groupId: this.groupId, maxWaitTimeInMs: 500 });
    this.consumer = consumer;
    consumer.on(consumer.events.CRASH, (event) => {
      if (event.payload.restart || this.stopped) return;
      void consumer.disconnect().catch(() => undefined);
      setTimeout(() => void this.restart(), 2_000);
    });
    await consumer.connect();
    await consumer.subscribe({ topic: Topics.buyingGroupChanges, fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        const now = Date.now();
        for (const message of batch.messages) {
          if (!message.value) continue;
          for (const id of causesOf(message.value)) if (!this.arrivals.has(id)) this.arrivals.set(id, now);
        }
      },
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.consumer?.disconnect().catch(() => undefined);
  }

  private async restart(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.start();
    } catch {
      setTimeout(() => void this.restart(), 2_000);
    }
  }
}

/** The input event ids a published version answers, read from the end of the value without parsing it all. */
function causesOf(value: Buffer): string[] {
  const text = value.toString('utf8', Math.max(0, value.length - 64 * 1024));
  const cause = /"cause":\{"eventId":"((?:[^"\\]|\\.)*)"/.exec(text)?.[1];
  const coalesced = /"coalesced":(\[[^\]]*\])/.exec(text)?.[1];
  if (cause === undefined) {
    const { data } = JSON.parse(value.toString('utf8')) as {
      data: { cause: { eventId: string }; coalesced?: string[] };
    };
    return [data.cause.eventId, ...(data.coalesced ?? [])];
  }
  return [JSON.parse(`"${cause}"`) as string, ...(coalesced ? (JSON.parse(coalesced) as string[]) : [])];
}

/** What the public topic holds for one group: every version seen (a digest of each copy) and the latest one. */
export type GroupHistory = {
  /** Per version, the digests of its copies in topic order (more than one copy: a redelivery). */
  copies: Map<number, string[]>;
  /** Versions in the order their first copies appear. */
  firstSeen: number[];
  /** Per input event id, the versions that name it and how (`cause` or `coalesced`): an input applied once has one. */
  answers: Map<string, Map<number, 'cause' | 'coalesced'>>;
  latest: BuyingGroupChanged;
};

/** Each group's latest version. */
export function latestVersions(groups: ReadonlyMap<string, GroupHistory>): BuyingGroupChanged[] {
  return [...groups.values()].map((g) => g.latest);
}

/**
 * Reads the whole public topic, from the beginning to the end it has now, and folds it per group (buyingGroupId).
 */
export async function readPublicTopic(kafka: Kafka, groupId: string): Promise<Map<string, GroupHistory>> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map(
    (await admin.fetchTopicOffsets(Topics.buyingGroupChanges)).map((o) => [
      o.partition,
      { low: Number(o.low), high: Number(o.high) },
    ]),
  );
  await admin.disconnect();
  const groups = new Map<string, GroupHistory>();
  const remaining = new Set([...ends].filter(([, o]) => o.high > o.low).map(([p]) => p));
  if (remaining.size === 0) return groups;
  const consumer = kafka.consumer({ groupId, maxBytes: 16 * 1024 * 1024 });
  await consumer.connect();
  await consumer.subscribe({ topic: Topics.buyingGroupChanges, fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    consumer
      .run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          for (const message of batch.messages) {
            if (!message.value) continue;
            const data = (JSON.parse(message.value.toString('utf8')) as { data: BuyingGroupChanged }).data;
            const digest = createHash('sha1').update(message.value).digest('hex');
            let group = groups.get(data.buyingGroupId);
            if (!group)
              groups.set(
                data.buyingGroupId,
                (group = { copies: new Map(), firstSeen: [], answers: new Map(), latest: data }),
              );
            const named = [
              [data.cause.eventId, 'cause'] as const,
              ...(data.coalesced ?? []).map((id) => [id, 'coalesced'] as const),
            ];
            for (const [id, how] of named) {
              const versions = group.answers.get(id) ?? new Map<number, 'cause' | 'coalesced'>();
              group.answers.set(id, versions.set(data.version, how));
            }
            const copies = group.copies.get(data.version);
            if (copies) copies.push(digest);
            else {
              group.copies.set(data.version, [digest]);
              group.firstSeen.push(data.version);
            }
            if (data.version >= group.latest.version) group.latest = data;
          }
          const last = Number(batch.lastOffset());
          if (last >= ends.get(batch.partition)!.high - 1) remaining.delete(batch.partition);
          if (remaining.size === 0) resolve();
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  return groups;
}
