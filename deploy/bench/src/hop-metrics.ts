/**
 * Where an update's time goes, hop by hop, from the services' own histograms (libs/service-kit): the time an event
 * waited in Kafka (from its production by the previous hop to the start of its chunk), the time its chunk took to
 * apply and commit, and the time its outbox rows waited until the broker had them. Read from /metrics before and after
 * a phase; the difference is that phase's.
 */

export const hopMetrics = {
  kafkaWait: 'bg_hop_kafka_wait_seconds',
  apply: 'bg_hop_apply_seconds',
  outbox: 'bg_hop_outbox_wait_seconds',
} as const;
export type HopMetric = keyof typeof hopMetrics;

/** Cumulative bucket counts by upper bound (seconds), summed over labels, per metric. */
export type Buckets = Map<number, number>;
export type HopSnapshot = Record<HopMetric, Buckets>;

const bucketLine = /^(\w+)_bucket\{([^}]*)\} ([0-9.e+-]+)$/;

/** The hop histograms of one service's /metrics text. */
export function parseHopMetrics(text: string): HopSnapshot {
  const snapshot: HopSnapshot = { kafkaWait: new Map(), apply: new Map(), outbox: new Map() };
  const byName = new Map<string, HopMetric>(Object.entries(hopMetrics).map(([key, name]) => [name, key as HopMetric]));
  for (const line of text.split('\n')) {
    const match = bucketLine.exec(line);
    if (!match) continue;
    const key = byName.get(match[1]!);
    if (!key) continue;
    const le = /le="([^"]+)"/.exec(match[2]!)?.[1];
    const bound = le === '+Inf' ? Infinity : Number(le);
    const buckets = snapshot[key];
    buckets.set(bound, (buckets.get(bound) ?? 0) + Number(match[3]));
  }
  return snapshot;
}

/** Several processes' snapshots as one (the replicas of a service): bucket counts added up. */
export function sumSnapshots(snapshots: HopSnapshot[]): HopSnapshot {
  const total: HopSnapshot = { kafkaWait: new Map(), apply: new Map(), outbox: new Map() };
  for (const snapshot of snapshots) {
    for (const key of Object.keys(total) as HopMetric[]) {
      for (const [bound, count] of snapshot[key]) total[key].set(bound, (total[key].get(bound) ?? 0) + count);
    }
  }
  return total;
}

/** What happened between two snapshots. */
export function difference(after: HopSnapshot, before: HopSnapshot): HopSnapshot {
  const diff = (a: Buckets, b: Buckets) =>
    new Map([...a].map(([bound, count]) => [bound, count - (b.get(bound) ?? 0)]));
  return {
    kafkaWait: diff(after.kafkaWait, before.kafkaWait),
    apply: diff(after.apply, before.apply),
    outbox: diff(after.outbox, before.outbox),
  };
}

/**
 * The q-quantile in milliseconds, interpolated linearly inside its bucket (as Prometheus' histogram_quantile does);
 * null when nothing was observed. Beyond the last finite bound, the bound itself is reported.
 */
export function quantileMs(buckets: Buckets, q: number): number | null {
  const bounds = [...buckets.keys()].sort((a, b) => a - b);
  const total = buckets.get(Infinity) ?? 0;
  if (total <= 0) return null;
  const rank = q * total;
  let previousBound = 0;
  let previousCount = 0;
  for (const bound of bounds) {
    const count = buckets.get(bound)!;
    if (count >= rank) {
      if (!Number.isFinite(bound)) return Math.round(previousBound * 1000);
      const within = count - previousCount;
      const fraction = within > 0 ? (rank - previousCount) / within : 1;
      return Math.round((previousBound + (bound - previousBound) * fraction) * 1000 * 10) / 10;
    }
    previousBound = bound;
    previousCount = count;
  }
  return Math.round(previousBound * 1000);
}

export type HopFigures = Record<HopMetric, { p50: number | null; p99: number | null; count: number }>;

export function figures(snapshot: HopSnapshot): HopFigures {
  const of = (b: Buckets) => ({ p50: quantileMs(b, 0.5), p99: quantileMs(b, 0.99), count: b.get(Infinity) ?? 0 });
  return { kafkaWait: of(snapshot.kafkaWait), apply: of(snapshot.apply), outbox: of(snapshot.outbox) };
}
