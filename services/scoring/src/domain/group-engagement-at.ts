import type { BuyingGroupChanged, GroupRecomputed } from '@bg/contracts';
import { groupEngagement, personEngagement, type EngagementConfig, type GroupEngagement, type ScoredActivity } from './engagement';
import { shouldEmitEngagementOnly } from './group-snapshot';
import { memberSlotWeights } from './member-slot';

/** A group's engagement at `now`, from the stored activities of its members (by person id, at the group's account). */
export function groupEngagementAt(
  group: Pick<GroupRecomputed, 'members' | 'slots'>,
  activitiesByPerson: ReadonlyMap<string, readonly ScoredActivity[]>,
  now: Date,
  config: Readonly<EngagementConfig>,
): GroupEngagement {
  const weighted = memberSlotWeights(group.members, group.slots);
  const scores = new Map(
    weighted.map(({ personId }) => [personId, personEngagement(activitiesByPerson.get(personId) ?? [], now, config).score]),
  );
  return groupEngagement(weighted, scores);
}

/**
 * The engagement to publish with a membership recomputation. When the members and their weights are those already
 * published, no activity arrived in between (activities publish at once), so any move is the clock's — window and
 * decay — and obeys the same step as the periodic re-score: a recomputation that changes nothing else stays silent.
 */
export function settleEngagement(
  fresh: GroupEngagement,
  previous: Pick<BuyingGroupChanged, 'engagement'> | null,
  step: number,
): GroupEngagement {
  const published = previous?.engagement.members;
  if (!previous || !published || !sameWeights(published, fresh.members)) return fresh;
  if (shouldEmitEngagementOnly(previous.engagement.score, fresh.score, step)) return fresh;
  return { score: previous.engagement.score, members: published };
}

function sameWeights(
  a: readonly { personId: string; weight: number }[],
  b: readonly { personId: string; weight: number }[],
): boolean {
  if (a.length !== b.length) return false;
  const weights = new Map(a.map((member) => [member.personId, member.weight]));
  return b.every((member) => weights.get(member.personId) === member.weight);
}
