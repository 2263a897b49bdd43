import { activityTypes, type ActivityRecorded, type ActivityType } from '@bg/contracts';
import { roundHalfUp } from './round-half-up';

const dayMs = 86_400_000;

/**
 * Engagement scoring settings. A person's score is absolute (never relative to other persons or the tenant):
 * `min(100, round(100 × points / maxPoints))`, where points are the weights of the activities in the window, after the
 * daily cap and the decay. It moves only when activities arrive or when the window and the decay move with the clock.
 */
export interface EngagementConfig {
  /** Points one activity of each type is worth, before the daily cap and the decay. */
  weights: Record<ActivityType, number>;
  /** Look-back window: activities older than this many days count for nothing. */
  windowDays: number;
  /**
   * Activities of one type counted per person per UTC day of occurrence (the day's latest, worth most after decay);
   * the rest are shown but worth nothing.
   */
  dailyCapPerType: number;
  /** An activity this many days old is worth half its weight; `null` = no decay within the window. */
  halfLifeDays: number | null;
  /** Points that make a score of 100; more points saturate at 100. */
  maxPoints: number;
}

export const defaultEngagementConfig: Readonly<EngagementConfig> = Object.freeze({
  weights: Object.freeze({
    'email.opened': 1,
    'email.clicked': 3,
    'link.clicked': 3,
    'page.viewed': 2,
    'form.submitted': 10,
    'event.registered': 8,
    'event.attended': 15,
    'meeting.completed': 20,
    'content.downloaded': 6,
    'interesting.moment': 10,
  }),
  windowDays: 30,
  dailyCapPerType: 20,
  halfLifeDays: null,
  // About a meeting, an event, a form and a steady trickle of opens, clicks and visits in a month.
  maxPoints: 100,
});

export type EngagementConfigOverrides = Partial<Omit<EngagementConfig, 'weights'>> & {
  weights?: Partial<Record<ActivityType, number>>;
};

/** The defaults with some settings replaced; throws a RangeError that names every bad setting at once. */
export function createEngagementConfig(overrides: EngagementConfigOverrides = {}): EngagementConfig {
  const config: EngagementConfig = {
    ...defaultEngagementConfig,
    ...overrides,
    weights: { ...defaultEngagementConfig.weights, ...overrides.weights },
  };
  const problems = [
    ...activityTypes
      .filter((type) => !isFiniteAtLeast(config.weights[type], 0))
      .map((type) => `weights.${type} must be a number ≥ 0`),
    ...(isFiniteAbove(config.windowDays, 0) ? [] : ['windowDays must be a number > 0']),
    ...(Number.isInteger(config.dailyCapPerType) && config.dailyCapPerType >= 1
      ? []
      : ['dailyCapPerType must be an integer ≥ 1']),
    ...(config.halfLifeDays === null || isFiniteAbove(config.halfLifeDays, 0)
      ? []
      : ['halfLifeDays must be a number > 0 or null']),
    ...(isFiniteAbove(config.maxPoints, 0) ? [] : ['maxPoints must be a number > 0']),
  ];
  if (problems.length > 0) throw new RangeError(`invalid engagement config: ${problems.join('; ')}`);
  return config;
}

/** An activity as scored; it is identified by the CRM that recorded it (`source`) and its `activityId`. */
export type ScoredActivity = Pick<ActivityRecorded, 'activityId' | 'activityType' | 'occurredAt'> & { source: string };

export interface TypeTally {
  /** Distinct activities of this type in the window. */
  count: number;
  /** Of those, the ones within the daily cap. */
  counted: number;
  /** Their points, after decay. */
  points: number;
}

export interface PersonEngagement {
  /** 0–100 integer. */
  score: number;
  /** Everything the score was computed from, so that it can be explained. */
  inputs: {
    byType: Record<ActivityType, TypeTally>;
    windowStart: string;
    /** Sum of the points of every type, before saturation at `maxPoints`. */
    rawPoints: number;
  };
}

/**
 * A person's engagement at `now`, from their activities in `[now - windowDays, now]`. An activity redelivered under the
 * same source and id counts once (the first copy seen), and a late one counts on the UTC day it occurred, against that
 * day's cap.
 */
export function personEngagement(
  activities: readonly ScoredActivity[],
  now: Date,
  config: Readonly<EngagementConfig> = defaultEngagementConfig,
): PersonEngagement {
  const nowMs = now.getTime();
  const windowStartMs = engagementWindowStart(now, config).getTime();
  // Newest first (then by id and source): of a day's activities of one type, the cap keeps those worth most after the
  // decay — so an activity added late, however old, never lowers a score — and which it keeps never depends on the
  // order they arrived in.
  const inWindow = distinctById(activities)
    .map((activity) => ({ ...activity, at: Date.parse(activity.occurredAt) }))
    .filter((activity) => activity.at >= windowStartMs && activity.at <= nowMs)
    .sort((a, b) => b.at - a.at || compareText(a.activityId, b.activityId) || compareText(a.source, b.source));

  const byType = emptyTallies();
  const countedPerDay = new Map<string, number>();
  let rawPoints = 0;
  for (const activity of inWindow) {
    const tally = byType[activity.activityType];
    tally.count += 1;
    const dayKey = `${activity.activityType}@${Math.floor(activity.at / dayMs)}`;
    const countedThatDay = countedPerDay.get(dayKey) ?? 0;
    if (countedThatDay >= config.dailyCapPerType) continue;
    countedPerDay.set(dayKey, countedThatDay + 1);
    const points = config.weights[activity.activityType] * decay(nowMs - activity.at, config.halfLifeDays);
    tally.counted += 1;
    tally.points += points;
    rawPoints += points;
  }
  return {
    score: Math.min(100, roundHalfUp((100 * rawPoints) / config.maxPoints)),
    inputs: { byType, windowStart: new Date(windowStartMs).toISOString(), rawPoints },
  };
}

/** The oldest instant whose activities still count at `now`. */
export function engagementWindowStart(now: Date, config: Pick<EngagementConfig, 'windowDays'>): Date {
  return new Date(now.getTime() - config.windowDays * dayMs);
}

/** Occurrence instants from `from` to `to`, both included; `null` is unbounded. */
export interface OccurrenceRange {
  from: Date | null;
  to: Date | null;
}

/**
 * Where the activities lie whose worth the clock changed between `from` and `to`: those that left the window, and
 * those that came into it from ahead of the clock; with decay, every activity still in the window too (its worth
 * falls continuously). The clock moves a score only through such an activity, so a periodic re-score need look at
 * no other person.
 */
export function clockMovedOccurrences(
  from: Date,
  to: Date,
  config: Pick<EngagementConfig, 'windowDays' | 'halfLifeDays'>,
): OccurrenceRange[] {
  const leftFrom = engagementWindowStart(from, config);
  if (config.halfLifeDays !== null) return [{ from: leftFrom, to: null }];
  return [
    { from: leftFrom, to: engagementWindowStart(to, config) },
    { from, to },
  ];
}

export interface GroupEngagement {
  /** 0–100 integer. */
  score: number;
  members: { personId: string; score: number; weight: number }[];
}

/**
 * A group's engagement: the mean of its members' scores weighted by their slot weight, normalised over the members
 * present — so an empty slot lowers completeness, not engagement. A member without a score counts as 0.
 */
export function groupEngagement(
  members: readonly { personId: string; slotWeight: number }[],
  personScores: ReadonlyMap<string, number>,
): GroupEngagement {
  const scored = members.map((member) => ({
    personId: member.personId,
    score: personScores.get(member.personId) ?? 0,
    weight: member.slotWeight,
  }));
  const totalWeight = scored.reduce((sum, member) => sum + member.weight, 0);
  if (totalWeight <= 0) return { score: 0, members: scored };
  const weightedSum = scored.reduce((sum, member) => sum + member.score * member.weight, 0);
  return { score: roundHalfUp(weightedSum / totalWeight), members: scored };
}

function distinctById(activities: readonly ScoredActivity[]): ScoredActivity[] {
  const byId = new Map<string, ScoredActivity>();
  for (const activity of activities) {
    const key = `${activity.source}\u0000${activity.activityId}`;
    if (!byId.has(key)) byId.set(key, activity);
  }
  return [...byId.values()];
}

function decay(ageMs: number, halfLifeDays: number | null): number {
  return halfLifeDays === null ? 1 : 0.5 ** (ageMs / dayMs / halfLifeDays);
}

function emptyTallies(): Record<ActivityType, TypeTally> {
  return Object.fromEntries(activityTypes.map((type) => [type, { count: 0, counted: 0, points: 0 }])) as Record<
    ActivityType,
    TypeTally
  >;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function isFiniteAtLeast(value: number, min: number): boolean {
  return Number.isFinite(value) && value >= min;
}

function isFiniteAbove(value: number, min: number): boolean {
  return Number.isFinite(value) && value > min;
}
