import {
  internalEventTypes,
  journeyCommandTypes,
  type GroupCommand,
  type AccountChanged,
  type AiModelTrained,
  type Cause,
  type EventType,
  type MemberCommand,
  type PersonChanged,
  type PersonEngagementChanged,
  type SolutionInterestDefined,
  type SolutionInterestDeleted,
} from '@bg/contracts';
import type { IncomingEvent } from '@bg/kafka';
import type { OutboxMessage, PoolClient, Queryable } from '@bg/postgres';
import type { Logger, UnitResult } from '@bg/service-kit';
import { saveModel } from '../db/ai-model';
import { enqueueRecomputeJob } from '../db/jobs';
import { requestRecomputes } from '../db/pending-recomputes';
import {
  ancestorsOfMany,
  lockStructure,
  markSolutionInterestDeleted,
  saveAccounts,
  saveOverride,
  savePersonEngagement,
  savePersonLinks,
  saveSolutionInterest,
  storedAccounts,
  type PersonLinkWrite,
} from '../db/state';
import { hierarchyChange } from '../domain/hierarchy';
import type { Interest } from '../domain/group-state';
import type { InterestCache } from '../interest-cache';
import { recomputeGroups } from '../recompute';
import { causeOf } from '../domain/causes';
import { addTarget, everyGroupOfTheAccount, type RecomputeTarget } from '../domain/targets';
import { readsEngagement } from '../domain/engagement-conditions';
import { applyJourneyCommand, explicitSet } from './journey-commands';

export const roleAssignmentConsumer = 'role-assignment';

/** What role-assignment applies: record changes that move people, engagement scores, definitions, and member edits. */
export const roleAssignmentConsumes = [
  internalEventTypes.personChanged,
  internalEventTypes.personEngagementChanged,
  internalEventTypes.accountChanged,
  internalEventTypes.solutionInterestDefined,
  internalEventTypes.solutionInterestDeleted,
  internalEventTypes.memberCommand,
  internalEventTypes.aiModelTrained,
  internalEventTypes.groupCommand,
  journeyCommandTypes.memberAssign,
  journeyCommandTypes.memberRemove,
  journeyCommandTypes.stageSet,
  journeyCommandTypes.statusSet,
] as const satisfies readonly EventType[];

/**
 * A change to apply to the groups of an account: `rollsUp` when it changes a person of the account as the ancestors'
 * roll-up groups (of the same solution interests) see them too.
 */
type Touch = {
  accountId: string;
  solutionInterestIds: string[] | 'all';
  personId: string | null;
  cause: Cause;
  rollsUp: boolean;
};

/**
 * One chunk: state changes of every event (each applied only when newer than what is stored) → the groups they touch,
 * recomputed once each (a burst for one account folds into one version; `cause` is the last event, `coalesced` the
 * others) → membership-changed events for the outbox. A person change re-judges only that person in the account's
 * groups; an account change recomputes the account's groups whole. Ancestors' roll-up groups, and any group the
 * queue's runner holds at that moment, are queued for the runner: a chunk never waits on another account's work.
 */
export async function applyEvents(
  tx: PoolClient,
  events: IncomingEvent[],
  deps: { logger: Logger; interests: InterestCache; now: () => string },
): Promise<UnitResult> {
  const started = performance.now();
  // The hierarchy decides only which roll-up groups a change reaches: while no live definition rolls up, a move changes
  // nothing another chunk reads, and needs neither the exclusive lock nor the stored accounts' read to tell. (A
  // backfill's new accounts with a parent would otherwise stop every other partition, one chunk at a time.)
  const lastRead = deps.interests.lastRead();
  const rollUpsBefore = lastRead === null || rollsUp(lastRead);
  const exclusive = changesDefinitions(events) || (rollUpsBefore && (await movesHierarchy(tx, events)));
  await lockStructure(tx, exclusive ? 'write' : 'read');
  let interests = await deps.interests.current(tx);
  if (!exclusive && !rollUpsBefore && rollsUp(interests) && (await movesHierarchy(tx, events)))
    throw new StructureChangedMeanwhile();
  const personLinks: { write: PersonLinkWrite; cause: Cause }[] = [];
  const accounts: { change: AccountChanged; cause: Cause }[] = [];
  const engagement: PersonEngagementChanged[] = [];
  const touches: Touch[] = [];
  // Explicit stage/status sets and refused commands, in the order of the chunk (scoring applies them in that order).
  const messages: OutboxMessage[] = [];
  let definitionsChanged = false;
  for (const incoming of events) {
    const { event } = incoming;
    if (isJourneyCommand(event.type)) {
      // A command judges against the definitions as of its place in the chunk.
      if (definitionsChanged) interests = await deps.interests.current(tx);
      definitionsChanged = false;
      const outcome = await applyJourneyCommand(tx, incoming, interests, deps.logger);
      if (outcome.touch)
        touches.push({ ...outcome.touch, solutionInterestIds: [outcome.touch.solutionInterestId], rollsUp: false });
      messages.push(...outcome.outbox);
      continue;
    }
    const cause = causeOf(event);
    switch (event.type) {
      case internalEventTypes.solutionInterestDefined:
      case internalEventTypes.solutionInterestDeleted:
        if (
          await applyDefinition(tx, event.type, event.data as SolutionInterestDefined | SolutionInterestDeleted, cause)
        )
          definitionsChanged = true;
        break;
      case internalEventTypes.personChanged: {
        const change = event.data as PersonChanged;
        const link =
          change.person && change.relationship ? { relationship: change.relationship, person: change.person } : null;
        personLinks.push({
          write: { accountId: change.accountId, personId: change.personId, link, changedAt: change.changedAt },
          cause,
        });
        break;
      }
      case internalEventTypes.accountChanged:
        accounts.push({ change: event.data as AccountChanged, cause });
        break;
      case internalEventTypes.personEngagementChanged:
        engagement.push(event.data as PersonEngagementChanged);
        break;
      case internalEventTypes.aiModelTrained:
        await applyModel(tx, event.data as AiModelTrained, interests, cause);
        break;
      case internalEventTypes.memberCommand: {
        const touch = await applyMemberCommand(tx, event.data as MemberCommand, cause);
        if (touch) touches.push(touch);
        break;
      }
      case internalEventTypes.groupCommand: {
        // The API checked the stage against the stage model it holds; an operator's set goes on to scoring as is.
        const command = event.data as GroupCommand;
        messages.push(explicitSet({ ...command, source: 'manual', at: command.requestedAt, cause }));
        break;
      }
    }
  }
  if (definitionsChanged) interests = await deps.interests.current(tx);

  // State first, in bulk; only what was newer than the stored state touches any group.
  const savedLinks = await savePersonLinks(
    tx,
    latest(
      personLinks.map((p) => p.write),
      (w) => `${w.accountId}\u0000${w.personId}`,
      (w) => w.changedAt,
    ),
  );
  for (const { write, cause } of personLinks) {
    const key = `${write.accountId}\u0000${write.personId}`;
    if (!savedLinks.has(key)) continue;
    // An input the stored state already had (a redelivery after a crash) was answered by an earlier version: it is
    // not folded into this one's `coalesced` again.
    const storedBefore = savedLinks.get(key);
    if (storedBefore && Date.parse(write.changedAt) <= storedBefore.getTime()) continue;
    touches.push({
      accountId: write.accountId,
      solutionInterestIds: 'all',
      personId: write.personId,
      cause,
      rollsUp: true,
    });
  }
  touches.push(...(await applyEngagement(tx, engagement, interests)));
  const structural = await applyAccounts(tx, accounts, touches);

  // Targets: the chunk's own accounts here; ancestors' roll-up groups queued (whole after a hierarchy change).
  const rollUps = [...interests.values()]
    .filter((si) => si.memberScope === 'account-and-descendants')
    .map((si) => si.solutionInterestId);
  const chainsOf = [
    ...touches.filter((t) => t.personId !== null).map((t) => t.accountId),
    ...structural.flatMap((s) => [s.from, ...s.also]),
  ];
  const chains = rollUps.length > 0 ? await ancestorsOfMany(tx, [...new Set(chainsOf)]) : new Map<string, string[]>();
  const targets = new Map<string, RecomputeTarget>();
  const forAncestors = new Map<string, RecomputeTarget>();
  for (const touch of touches) {
    const ids = touch.solutionInterestIds === 'all' ? [everyGroupOfTheAccount] : touch.solutionInterestIds;
    for (const solutionInterestId of ids) {
      addTarget(targets, {
        accountId: touch.accountId,
        solutionInterestId,
        personIds: touch.personId === null ? null : [touch.personId],
        cause: touch.cause,
        coalesced: [],
      });
    }
    if (touch.personId === null || !touch.rollsUp) continue;
    const asked = touch.solutionInterestIds;
    for (const ancestor of chains.get(touch.accountId) ?? []) {
      for (const solutionInterestId of rollUps.filter((id) => asked === 'all' || asked.includes(id))) {
        addTarget(forAncestors, {
          accountId: ancestor,
          solutionInterestId,
          personIds: [touch.personId],
          cause: touch.cause,
          coalesced: [],
        });
      }
    }
  }
  for (const { from, also, cause } of structural) {
    for (const ancestor of [...also, ...[from, ...also].flatMap((id) => chains.get(id) ?? [])]) {
      for (const solutionInterestId of rollUps)
        addTarget(forAncestors, { accountId: ancestor, solutionInterestId, personIds: null, cause, coalesced: [] });
    }
  }
  const collected = performance.now();
  // A group the queue's runner holds right now is queued too, rather than waited for.
  const { outbox, deferred } = await recomputeGroups(tx, [...targets.values()], interests, deps.now(), 'wait');
  await requestRecomputes(tx, [...forAncestors.values(), ...deferred]);
  deps.logger.debug(
    {
      events: events.length,
      groups: targets.size,
      queuedForAncestors: forAncestors.size,
      deferred: deferred.length,
      changed: outbox.length,
      stateMs: Math.round(collected - started),
      recomputeMs: Math.round(performance.now() - collected),
    },
    'chunk applied',
  );
  // Membership versions first: an explicit set for a group created in this chunk finds it in scoring.
  return { outbox: [...outbox, ...messages] };
}

const journeyTypes: ReadonlySet<string> = new Set(Object.values(journeyCommandTypes));
function isJourneyCommand(type: string): boolean {
  return journeyTypes.has(type);
}

/** Whether the chunk changes a definition, and so must hold the structure lock exclusively. */
function changesDefinitions(events: IncomingEvent[]): boolean {
  return events.some(
    (e) =>
      e.event.type === internalEventTypes.solutionInterestDefined ||
      e.event.type === internalEventTypes.solutionInterestDeleted,
  );
}

/**
 * Whether the chunk moves an account in the hierarchy (judged against the stored accounts; only this partition's
 * consumer changes them): with a roll-up definition live, it changes which groups other chunks' changes reach, and
 * must hold the structure lock exclusively.
 */
async function movesHierarchy(tx: Queryable, events: IncomingEvent[]): Promise<boolean> {
  const accounts = events
    .filter((e) => e.event.type === internalEventTypes.accountChanged)
    .map((e) => e.event.data as AccountChanged);
  if (accounts.length === 0) return false;
  const stored = await storedAccounts(tx, [...new Set(accounts.map((a) => a.accountId))], false);
  return accounts.some((a) => hierarchyChange(stored.get(a.accountId), a.account) !== null);
}

function rollsUp(interests: ReadonlyMap<string, Interest>): boolean {
  return [...interests.values()].some((si) => si.memberScope === 'account-and-descendants');
}

/**
 * A roll-up definition committed between the chunk's look at the definitions and its shared lock, and the chunk moves
 * the hierarchy: it must not go on under a shared lock. A serialization failure (SQLSTATE 40001), so the consumer
 * retries the chunk, which then sees the definition and locks exclusively.
 */
class StructureChangedMeanwhile extends Error {
  readonly code = '40001';
  constructor() {
    super('a roll-up definition arrived while this chunk moved the hierarchy under a shared lock; retried');
  }
}

/**
 * Stores the chunk's account changes (each only when newer) and adds a whole-group touch of every changed account.
 * Returns the hierarchy changes — a move, a deletion, a new or revived account with a parent — whose ancestors' roll-up
 * groups must be recomputed whole: those of the account's chain now (`from`), and the former parent's (`also`).
 */
async function applyAccounts(
  tx: Queryable,
  changes: { change: AccountChanged; cause: Cause }[],
  touches: Touch[],
): Promise<{ from: string; also: string[]; cause: Cause }[]> {
  if (changes.length === 0) return [];
  const newest = latest(
    changes,
    (c) => c.change.accountId,
    (c) => c.change.changedAt,
  );
  const before = await storedAccounts(tx, newest.map((c) => c.change.accountId).sort(), true);
  const saved = await saveAccounts(
    tx,
    newest.map(({ change }) => ({ accountId: change.accountId, data: change.account, changedAt: change.changedAt })),
  );
  const structural: { from: string; also: string[]; cause: Cause }[] = [];
  for (const { change, cause } of newest) {
    if (!saved.has(change.accountId)) continue;
    touches.push({ accountId: change.accountId, solutionInterestIds: 'all', personId: null, cause, rollsUp: false });
    const moved = hierarchyChange(before.get(change.accountId), change.account);
    if (moved) structural.push({ from: change.accountId, also: moved.formerParent ? [moved.formerParent] : [], cause });
  }
  return structural;
}

/**
 * Stores the chunk's engagement scores (each only when newer) and re-judges each person whose score moved, alone, in
 * the groups — of their account, and the ancestors' roll-ups — whose template reads `engagementScore`: when no live
 * template does, a score costs its one stored row.
 */
async function applyEngagement(
  tx: Queryable,
  scores: PersonEngagementChanged[],
  interests: ReadonlyMap<string, SolutionInterestDefined>,
): Promise<Touch[]> {
  const saved = await savePersonEngagement(tx, scores);
  const readers = [...interests.values()].filter(readsEngagement).map((si) => si.solutionInterestId);
  if (readers.length === 0) return [];
  return scores
    .filter((s) => saved.has(`${s.accountId}\u0000${s.personId}`))
    .map((s) => ({
      accountId: s.accountId,
      solutionInterestIds: readers,
      personId: s.personId,
      cause: s.cause,
      rollsUp: true,
    }));
}

/** The newest of each key by `timeOf` (a later arrival wins a tie): what applying them one by one would leave. */
function latest<T>(items: T[], keyOf: (item: T) => string, timeOf: (item: T) => string): T[] {
  const byKey = new Map<string, T>();
  for (const item of items) {
    const held = byKey.get(keyOf(item));
    if (held === undefined || Date.parse(timeOf(item)) >= Date.parse(timeOf(held))) byKey.set(keyOf(item), item);
  }
  return [...byKey.values()];
}

/** A definition newer than the stored one is saved and starts a recompute job over every account. */
async function applyDefinition(
  tx: Queryable,
  type: string,
  data: SolutionInterestDefined | SolutionInterestDeleted,
  cause: Cause,
): Promise<boolean> {
  const saved =
    type === internalEventTypes.solutionInterestDefined
      ? await saveSolutionInterest(tx, data as SolutionInterestDefined)
      : await markSolutionInterestDeleted(tx, data.solutionInterestId, data.revision);
  if (saved) await enqueueRecomputeJob(tx, data.solutionInterestId, cause);
  return saved;
}

/**
 * A newer role model is stored, and every solution interest that wants suggested members is recomputed with it (a job
 * over its accounts, as for a new definition): suggestions follow the model. Others are not touched.
 */
async function applyModel(
  tx: Queryable,
  model: AiModelTrained,
  interests: ReadonlyMap<string, { aiSuggestions?: unknown }>,
  cause: Cause,
): Promise<void> {
  if (!(await saveModel(tx, model))) return;
  for (const [solutionInterestId, interest] of interests)
    if (interest.aiSuggestions) await enqueueRecomputeJob(tx, solutionInterestId, cause);
}

async function applyMemberCommand(tx: Queryable, command: MemberCommand, cause: Cause): Promise<Touch | null> {
  if (command.source === 'rule') return null;
  const key = { accountId: command.accountId, solutionInterestId: command.solutionInterestId };
  const base = { personId: command.personId, source: command.source, requestedAt: command.requestedAt };
  if (command.action === 'add' && !command.role) return null;
  const saved =
    command.action === 'add'
      ? await saveOverride(tx, key, { ...base, action: 'add', role: command.role! })
      : await saveOverride(tx, key, { ...base, action: 'remove', role: command.role });
  return saved
    ? {
        accountId: command.accountId,
        solutionInterestIds: [command.solutionInterestId],
        personId: command.personId,
        cause,
        rollsUp: false,
      }
    : null;
}
