import type { Kafka } from 'kafkajs';
import type pg from 'pg';

/**
 * How far the pipeline is from settled: the lag of every consumer group of the system (all topics it has committed
 * offsets on), every service's outbox, and unfinished recompute jobs. Settled = all zero.
 */
export async function pipelineBacklog(
  kafka: Kafka,
  db: pg.Pool,
  groups: string[],
): Promise<{ lag: Record<string, number>; outbox: number; jobs: number }> {
  const admin = kafka.admin();
  await admin.connect();
  const lag: Record<string, number> = {};
  try {
    const ends = new Map<string, Map<number, number>>();
    for (const groupId of groups) {
      let total = 0;
      for (const { topic, partitions } of await admin.fetchOffsets({ groupId })) {
        if (!ends.has(topic))
          ends.set(topic, new Map((await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, Number(o.high)])));
        for (const p of partitions) {
          const high = ends.get(topic)!.get(p.partition) ?? 0;
          total += high - Math.max(Number(p.offset), 0);
        }
      }
      lag[groupId] = total;
    }
  } finally {
    await admin.disconnect();
  }
  const schemas = await db.query<{ table_schema: string }>(
    "SELECT table_schema FROM information_schema.tables WHERE table_name = 'outbox'",
  );
  let outbox = 0;
  for (const { table_schema } of schemas.rows) {
    // Whether anything waits (not how much): cheap on a busy queue table.
    outbox += Number(
      (
        await db.query(
          `SELECT count(*)::int AS n FROM (SELECT 1 FROM "${table_schema}".outbox WHERE parked_at IS NULL LIMIT 1) q`,
        )
      ).rows[0].n,
    );
  }
  const jobs = await db
    .query(
      `SELECT ((SELECT count(*) FROM role_assignment.recompute_jobs WHERE status IN ('pending','running'))
         + (SELECT count(*) FROM (SELECT 1 FROM role_assignment.pending_recomputes LIMIT 1) q))::int AS n`,
    )
    .then((r) => Number(r.rows[0].n))
    .catch(() => 0);
  return { lag, outbox, jobs };
}
