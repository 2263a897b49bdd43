import type { Kafka } from 'kafkajs';

/** Total lag of a consumer group over `topics`: messages produced but not yet committed by the group. */
export async function consumerLag(kafka: Kafka, groupId: string, topics: string[]): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    let lag = 0;
    const committed = await retryingRetriable(() => admin.fetchOffsets({ groupId, topics }));
    for (const { topic, partitions } of committed) {
      const ends = await retryingRetriable(() => admin.fetchTopicOffsets(topic));
      for (const end of ends) {
        const done = partitions.find((p) => p.partition === end.partition)?.offset ?? '-1';
        const start = Number(end.low);
        lag += Number(end.high) - Math.max(Number(done), start);
      }
    }
    return lag;
  } finally {
    await admin.disconnect();
  }
}

/**
 * Retries what the broker refuses with a retriable error for a moment (on a loaded machine the group's coordinator may
 * answer "not the coordinator" while it loads the group, a partition "not the leader" while its leadership settles):
 * the admin client does not retry those by itself.
 */
export async function retryingRetriable<T>(call: () => Promise<T>, withinMs = 30_000): Promise<T> {
  // Five seconds of retries ran out once under stress -c 2 ("not the correct coordinator"): a time, not a count.
  const deadline = Date.now() + withinMs;
  for (;;) {
    try {
      return await call();
    } catch (error) {
      if (Date.now() > deadline || !(error as { retriable?: boolean }).retriable) throw error;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/**
 * Resolves when `isSettled` holds on several consecutive polls (a pipeline is settled when every hop's consumer lag is
 * zero and nothing waits in an outbox); fails after `timeoutMs` with the last state. Calls `onPoll` for progress lines.
 */
export async function waitUntilSettled(
  isSettled: () => Promise<{ settled: boolean; state: string }>,
  opts: { timeoutMs: number; stablePolls?: number; intervalMs?: number; onPoll?: (state: string) => void },
): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  let stable = 0;
  let last = '';
  while (Date.now() < deadline) {
    const { settled, state } = await isSettled();
    last = state;
    opts.onPoll?.(state);
    stable = settled ? stable + 1 : 0;
    if (stable >= (opts.stablePolls ?? 3)) return;
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 250));
  }
  throw new Error(`pipeline did not settle within ${opts.timeoutMs} ms; last state: ${last}`);
}

/** Retries a check until it passes (e.g. an HTTP read of a projection fed through Kafka), failing with its last error. */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
