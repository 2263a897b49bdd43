import type { Kafka } from 'kafkajs';
import { deadLetterTopic, inboundTopics } from '@bg/contracts';
import { internalDeadLetterTopics } from '@bg/kafka';
import type { GroupHistory } from './public-topic';

export type CheckResult = { pass: boolean; detail: string };

/**
 * Each group's versions are 1..n with none skipped, first copies in rising order, and a version seen more than once
 * (a redelivery) is the same bytes each time.
 */
export function checkVersions(
  groups: Map<string, GroupHistory>,
): CheckResult & { versions: number; duplicates: number } {
  const problems: string[] = [];
  let versions = 0;
  let duplicates = 0;
  for (const [id, group] of groups) {
    const max = Math.max(...group.copies.keys());
    versions += group.copies.size;
    const skipped = Array.from({ length: max }, (_, i) => i + 1).filter((v) => !group.copies.has(v));
    if (skipped.length > 0)
      problems.push(`${id}: versions ${skipped.slice(0, 10).join(', ')} never published (latest v${max})`);
    const outOfOrder = group.firstSeen.findIndex((v, i) => i > 0 && v < group.firstSeen[i - 1]!);
    if (outOfOrder > 0)
      problems.push(`${id}: v${group.firstSeen[outOfOrder]} first published after v${group.firstSeen[outOfOrder - 1]}`);
    for (const [version, copies] of group.copies) {
      duplicates += copies.length - 1;
      if (new Set(copies).size > 1)
        problems.push(`${id}: v${version} published ${copies.length} times with different content`);
    }
  }
  return {
    pass: problems.length === 0 && groups.size > 0,
    versions,
    duplicates,
    detail:
      problems.length === 0
        ? `${groups.size} groups, ${versions} versions, gapless and in order (${duplicates} identical redeliveries)`
        : `${problems.length} problems:\n      ${problems.slice(0, 20).join('\n      ')}`,
  };
}

/**
 * No input was applied twice: within a group, each input event id is named (as `cause` or among `coalesced`) by one
 * version at most. A redelivered input that changed state again would show as a second version naming it. The one
 * exception, `linkChanges`: an input that changed a person's accounts reaches role-assignment as one part per account
 * (each on its account's partition, applied once), so a roll-up group over several of them may show each part in a
 * version of its own — at most one version per account touched.
 */
export function checkAnsweredOnce(
  groups: Map<string, GroupHistory>,
  linkChanges: ReadonlyMap<string, number> = new Map(),
): CheckResult & { inputs: number } {
  const problems: string[] = [];
  let inputs = 0;
  let split = 0;
  for (const [id, group] of groups) {
    for (const [eventId, versions] of group.answers) {
      inputs++;
      if (versions.size > 1 && versions.size <= (linkChanges.get(eventId) ?? 1)) split++;
      if (versions.size > (linkChanges.get(eventId) ?? 1))
        problems.push(
          `${id}: input ${eventId} named by versions ${[...versions].map(([v, how]) => `${v} (${how})`).join(', ')}`,
        );
    }
  }
  return {
    pass: problems.length === 0 && inputs > 0,
    inputs,
    detail:
      problems.length === 0
        ? `${inputs} inputs (per group) each named by one version` +
          (split > 0 ? `, but ${split} that changed a person's accounts, named once per account` : '')
        : `${problems.length} inputs applied more than once:\n      ${problems.slice(0, 20).join('\n      ')}`,
  };
}

/** Messages on each dead-letter topic that has any: the internal ones, and the inbound ones (all input was valid). */
export async function deadLetters(
  kafka: Kafka,
): Promise<{ internal: Record<string, number>; inbound: Record<string, number> }> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const count = async (topics: string[]) => {
      const counts: Record<string, number> = {};
      for (const topic of topics.filter((t) => existing.has(t))) {
        const total = (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
        if (total > 0) counts[topic] = total;
      }
      return counts;
    };
    return {
      internal: await count(internalDeadLetterTopics),
      inbound: await count(inboundTopics.map(deadLetterTopic)),
    };
  } finally {
    await admin.disconnect();
  }
}

/** Percentiles (nearest rank) of `values`, in ms. */
export function percentiles(values: number[]): { n: number; p50: number; p95: number; p99: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  return { n: sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: sorted.at(-1) ?? NaN };
}
