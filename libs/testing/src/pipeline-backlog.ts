import type { Queryable } from '@bg/postgres';
import type { Kafka } from 'kafkajs';
import { waitUntilSettled } from './settled';

/** What a running system still has to do: the one reading the bench, the chaos run and the cluster test share. */
export type Backlog = {
  /** Messages not yet committed, per consumer group of the system. */
  lag: Record<string, number>;
  /** Outbox rows waiting to be sent, over every service schema (counted up to 10,000 a schema). */
  outbox: number;
  /** Outbox rows parked (refused for good; counted up to 10,000 a schema). */
  parked: number;
  /** Unfinished recompute jobs and queued recomputations of role-assignment (the queue counted up to 10,000). */
  recomputes: number;
};

export const totalLag = (b: Backlog) => Object.values(b.lag).reduce((a, n) => a + n, 0);
export const isSettled = (b: Backlog) => totalLag(b) === 0 && b.outbox === 0 && b.recomputes === 0;
export const describeBacklog = (b: Backlog) =>
  `lag ${JSON.stringify(b.lag)}, outbox ${b.outbox}, parked ${b.parked}, recomputes ${b.recomputes}`;

/**
 * How far the pipeline is from settled: the lag of every consumer group of the system (every group on the broker but
 * the caller's own, named with `ownPrefix`), every service's outbox, and role-assignment's recomputations. Each count
 * is bounded, so that a poll stays cheap on queue tables that churn.
 */
export async function pipelineBacklog(kafka: Kafka, db: Queryable, ownPrefix: string): Promise<Backlog> {
  const admin = kafka.admin();
  await admin.connect();
  const lag: Record<string, number> = {};
  try {
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => !g.startsWith(ownPrefix));
    const committed = new Map<string, Awaited<ReturnType<typeof admin.fetchOffsets>>>();
    for (const groupId of groups.sort()) committed.set(groupId, await admin.fetchOffsets({ groupId }));
    // Topic ends read after every group's commits, so that no commit is past the end it is compared with.
    const ends = new Map<string, Map<number, { low: number; high: number }>>();
    for (const topic of new Set([...committed.values()].flatMap((offsets) => offsets.map((o) => o.topic)))) {
      const offsets = await admin.fetchTopicOffsets(topic);
      ends.set(topic, new Map(offsets.map((o) => [o.partition, { low: Number(o.low), high: Number(o.high) }])));
    }
    for (const [groupId, offsets] of committed) {
      let total = 0;
      for (const { topic, partitions } of offsets) {
        for (const p of partitions) {
          const end = ends.get(topic)!.get(p.partition);
          if (end) total += end.high - Math.max(Number(p.offset), end.low);
        }
      }
      lag[groupId] = total;
    }
  } finally {
    await admin.disconnect();
  }
  const schemas = await db.query<{ table_schema: string }>(
    "SELECT table_schema FROM information_schema.tables WHERE table_name = 'outbox' ORDER BY 1",
  );
  let outbox = 0;
  let parked = 0;
  for (const { table_schema } of schemas.rows) {
    const { rows } = await db.query<{ waiting: number; parked: number }>(
      `SELECT (SELECT count(*) FROM (SELECT 1 FROM "${table_schema}".outbox WHERE parked_at IS NULL LIMIT 10000) q)::int AS waiting,
              (SELECT count(*) FROM (SELECT 1 FROM "${table_schema}".outbox WHERE parked_at IS NOT NULL LIMIT 10000) q)::int AS parked`,
    );
    outbox += rows[0]!.waiting;
    parked += rows[0]!.parked;
  }
  const { rows } = await db.query<{ n: number }>(
    `SELECT ((SELECT count(*) FROM role_assignment.recompute_jobs WHERE status IN ('pending','running'))
       + (SELECT count(*) FROM (SELECT 1 FROM role_assignment.pending_recomputes LIMIT 10000) q))::int AS n`,
  );
  return { lag, outbox, parked, recomputes: rows[0]!.n };
}

/**
 * Waits until `backlog` says settled on `polls` consecutive polls a second apart (a queue can look empty between a
 * commit and the next hop's fetch; a null answer, e.g. while the broker is down, is not settled); `progress` hears the
 * backlog every 15 s. Throws, with the last backlog, after `timeoutMs`.
 */
export async function waitUntilBacklogSettled(
  backlog: () => Promise<Backlog | null>,
  opts: { timeoutMs: number; progress?: (b: Backlog) => void; polls?: number; intervalMs?: number },
): Promise<Backlog> {
  let last: Backlog | null = null;
  let lastSaid = Date.now();
  await waitUntilSettled(
    async () => {
      last = await backlog();
      return { settled: last !== null && isSettled(last), state: last ? describeBacklog(last) : 'no answer' };
    },
    {
      timeoutMs: opts.timeoutMs,
      stablePolls: opts.polls ?? 4,
      intervalMs: opts.intervalMs ?? 1_000,
      onPoll: () => {
        if (last && opts.progress && Date.now() - lastSaid > 15_000) {
          opts.progress(last);
          lastSaid = Date.now();
        }
      },
    },
  );
  return last!;
}
