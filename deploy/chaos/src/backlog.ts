import type { Kafka } from 'kafkajs';
import type pg from 'pg';

export type Backlog = {
  /** Messages not yet committed, per consumer group of the system. */
  lag: Record<string, number>;
  /** Outbox rows waiting to be sent, over every service schema. */
  outbox: number;
  /** Outbox rows parked (refused for good). */
  parked: number;
  /** Queued recomputations and unfinished recompute jobs of role-assignment. */
  recomputes: number;
};

export const totalLag = (b: Backlog) => Object.values(b.lag).reduce((a, n) => a + n, 0);
export const isSettled = (b: Backlog) => totalLag(b) === 0 && b.outbox === 0 && b.recomputes === 0;
export const describeBacklog = (b: Backlog) =>
  `lag ${JSON.stringify(b.lag)}, outbox ${b.outbox}, parked ${b.parked}, recomputes ${b.recomputes}`;

/**
 * How far the pipeline is from settled: the lag of every consumer group of the system (all but `ownPrefix`'s), every
 * service's outbox, and role-assignment's pending recomputations.
 */
export async function pipelineBacklog(kafka: Kafka, db: pg.Pool, ownPrefix: string): Promise<Backlog> {
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
    // Bounded counts: the poll must stay cheap on a queue table that churns.
    const { rows } = await db.query<{ waiting: number; parked: number }>(
      `SELECT (SELECT count(*) FROM (SELECT 1 FROM "${table_schema}".outbox WHERE parked_at IS NULL LIMIT 10000) q)::int AS waiting,
              (SELECT count(*) FROM (SELECT 1 FROM "${table_schema}".outbox WHERE parked_at IS NOT NULL LIMIT 10000) q)::int AS parked`,
    );
    outbox += rows[0]!.waiting;
    parked += rows[0]!.parked;
  }
  const { rows } = await db.query<{ n: number }>(
    `SELECT ((SELECT count(*) FROM role_assignment.recompute_jobs WHERE status IN ('pending','running'))
       + (SELECT count(*) FROM role_assignment.pending_recomputes))::int AS n`,
  );
  return { lag, outbox, parked, recomputes: rows[0]!.n };
}

/**
 * Waits until `backlog` says settled on `polls` consecutive polls a second apart (a queue can look empty between a
 * commit and the next hop's fetch); `progress` hears the backlog every 15 s. Throws, with the last backlog, after
 * `timeoutMs`.
 */
export async function waitUntilSettled(
  backlog: () => Promise<Backlog | null>,
  timeoutMs: number,
  progress: (b: Backlog) => void = () => undefined,
  polls = 4,
): Promise<Backlog> {
  const deadline = Date.now() + timeoutMs;
  let stable = 0;
  let last: Backlog | null = null;
  let lastSaid = Date.now();
  while (stable < polls) {
    if (Date.now() > deadline)
      throw new Error(`not settled after ${timeoutMs / 1000} s: ${last ? describeBacklog(last) : 'no answer'}`);
    await new Promise((r) => setTimeout(r, 1_000));
    last = await backlog();
    stable = last && isSettled(last) ? stable + 1 : 0;
    if (last && Date.now() - lastSaid > 15_000) {
      progress(last);
      lastSaid = Date.now();
    }
  }
  return last!;
}
