import type { GroupChange, GroupMember, GroupSignals, SignalSettings } from '@bg/contracts';
import type { GroupStage } from '@bg/rules';

const dayMs = 24 * 60 * 60 * 1000;

/** When each member last had an activity (within the group's scope); undefined: none recorded. */
export type LastActivityOf = (personId: string) => string | undefined;

/** A group's signals as they stand, besides what its version shows: since when it made progress. */
export interface SignalInput {
  /** The solution interest's signals; null: none (the version shows `signals: null`). */
  settings: SignalSettings | null;
  active: boolean;
  members: readonly Pick<GroupMember, 'personId' | 'role' | 'since'>[];
  lastActivityOf: LastActivityOf;
  /** The signals the last published version showed (null: none, or no version yet). */
  previous: GroupSignals | null;
  /** The last progress stored (null: none yet, e.g. signals just switched on: counting starts now). */
  lastProgressAt: string | null;
}

export interface SignalJudgement {
  signals: GroupSignals | null;
  changes: GroupChange[];
  lastProgressAt: string | null;
}

/**
 * Whether a version is progress (CONTRACT.md §7): the group appeared, a member was added, its engagement rose, or its
 * stage moved forward (a later stage of the model, or a first stage).
 */
export function isProgress(
  changes: readonly GroupChange[],
  stageBefore: GroupStage | null,
  stageAfter: GroupStage | null,
) {
  const forward =
    stageAfter !== null &&
    (stageBefore === null || stageBefore.model !== stageAfter.model || stageAfter.index > stageBefore.index);
  return changes.some(
    (c) =>
      c.kind === 'group.created' ||
      c.kind === 'member.added' ||
      (c.kind === 'engagement.changed' && c.to > c.from) ||
      (c.kind === 'stage.changed' && forward),
  );
}

/**
 * A group's signals at `now`. Stalled: active with no progress for `stalledAfterDays` (a version that is progress
 * unstalls it at once). Disengaged: a member with no activity for `disengagedAfterDays` since the later of their last
 * activity and their `since` (the time they took the role). Each transition is one change kind, so a signal already
 * shown is never repeated. A dissolved group or one without signals shows none, and no transition: the version says
 * `group.dissolved`, or the signals were switched off.
 */
export function judgeSignals(input: SignalInput, progressed: boolean, now: Date): SignalJudgement {
  const { settings, previous } = input;
  const lastProgressAt = progressed || input.lastProgressAt === null ? now.toISOString() : input.lastProgressAt;
  if (settings === null) return { signals: null, changes: [], lastProgressAt };
  if (!input.active) return { signals: { stalled: false, disengaged: [] }, changes: [], lastProgressAt };

  const stalled = settings.stalledAfterDays !== undefined && passed(lastProgressAt, settings.stalledAfterDays, now);
  const disengagedAfterDays = settings.disengagedAfterDays;
  const disengaged =
    disengagedAfterDays === undefined
      ? []
      : input.members
          .filter((m) => passed(referenceOf(m, input.lastActivityOf), disengagedAfterDays, now))
          .map((m) => m.personId)
          .sort();

  const was = previous ?? { stalled: false, disengaged: [] };
  const wasDisengaged = new Set(was.disengaged);
  const isDisengaged = new Set(disengaged);
  const memberChange = (kind: 'member.disengaged' | 'member.reengaged', m: SignalInput['members'][number]) => ({
    kind,
    personId: m.personId,
    role: m.role,
    lastActivityAt: input.lastActivityOf(m.personId) ?? null,
  });
  const changes: GroupChange[] = [
    ...(stalled && !was.stalled ? [{ kind: 'group.stalled' as const }] : []),
    ...(!stalled && was.stalled ? [{ kind: 'group.unstalled' as const }] : []),
    ...input.members
      .filter((m) => isDisengaged.has(m.personId) && !wasDisengaged.has(m.personId))
      .map((m) => memberChange('member.disengaged', m)),
    // A disengaged member who left the group is reported by member.removed alone.
    ...input.members
      .filter((m) => wasDisengaged.has(m.personId) && !isDisengaged.has(m.personId))
      .map((m) => memberChange('member.reengaged', m)),
  ];
  return { signals: { stalled, disengaged }, changes, lastProgressAt };
}

/**
 * The next instant at which a signal of the group would change by the clock alone (it stalls, or a member
 * disengages), null when none can: the periodic check looks only at groups whose instant has passed.
 */
export function signalsDueAt(input: Omit<SignalInput, 'previous'> & { signals: GroupSignals | null }): string | null {
  const { settings, signals } = input;
  if (settings === null || signals === null || !input.active) return null;
  let due = Infinity;
  if (settings.stalledAfterDays !== undefined && !signals.stalled && input.lastProgressAt !== null)
    due = Math.min(due, deadline(input.lastProgressAt, settings.stalledAfterDays));
  if (settings.disengagedAfterDays !== undefined) {
    const disengaged = new Set(signals.disengaged);
    for (const m of input.members)
      if (!disengaged.has(m.personId))
        due = Math.min(due, deadline(referenceOf(m, input.lastActivityOf), settings.disengagedAfterDays));
  }
  return due === Infinity ? null : new Date(due).toISOString();
}

/** A member's clock starts at their last activity, or when they took the role if that is later. */
function referenceOf(member: Pick<GroupMember, 'personId' | 'since'>, lastActivityOf: LastActivityOf): string {
  const last = lastActivityOf(member.personId);
  return last !== undefined && Date.parse(last) > Date.parse(member.since) ? last : member.since;
}

const deadline = (from: string, days: number) => Date.parse(from) + days * dayMs;
const passed = (from: string, days: number, now: Date) => now.getTime() >= deadline(from, days);
