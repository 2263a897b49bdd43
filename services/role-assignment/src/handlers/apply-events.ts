import {
  internalEventTypes,
  type AccountChanged,
  type Cause,
  type MemberCommand,
  type PersonChanged,
  type SolutionInterestDefined,
  type SolutionInterestDeleted,
} from '@bg/contracts';
import type { IncomingEvent } from '@bg/kafka';
import { claimNewEvents, withTransaction, type Pool, type Queryable } from '@bg/postgres';
import type { Logger } from '@bg/service-kit';
import { enqueueRecomputeJob } from '../db/jobs';
import { ancestorsOfMany, liveSolutionInterests, markSolutionInterestDeleted, saveOverride, saveSolutionInterest } from '../db/state';
import { StateWrites } from '../db/state-writes';
import { recomputeGroups, type RecomputeTarget } from '../recompute';
import { requestRecomputes } from '../db/pending-recomputes';

export const roleAssignmentConsumer = 'role-assignment';

/**
 * Which account's groups an event touches. Descendant-scoped groups of the account's ancestors see it too (and, after a
 * hierarchy move, those of the former parent's chain), looked up only when some solution interest uses that scope.
 */
type Touch = { accountId: string; solutionInterestId?: string; ancestorsOf: string[]; formerParent?: string };

/**
 * One transaction per chunk: inbox → state changes of every event → each touched group recomputed once (a burst for
 * one account folds into one version; `cause` is the last event, `coalesced` the others) → outbox.
 */
export async function applyEvents(pool: Pool, logger: Logger, events: IncomingEvent[], now: () => string): Promise<{ jobs: number }> {
  return withTransaction(pool, async (tx) => {
    const started = performance.now();
    const fresh = await claimNewEvents(tx, roleAssignmentConsumer, [...new Set(events.map((e) => e.event.id))]);
    const targets = new Map<string, RecomputeTarget>();
    let jobs = 0;
    const interests = new Map((await liveSolutionInterests(tx)).map((si) => [si.solutionInterestId, si]));
    const writes = new StateWrites();
    const touches: { touch: Touch; cause: Cause }[] = [];
    for (const incoming of events) {
      const { id, type, data } = incoming.event;
      if (!fresh.delete(id)) continue;
      const cause: Cause = causeOf(type, data, id);
      if (type === internalEventTypes.solutionInterestDefined || type === internalEventTypes.solutionInterestDeleted) {
        await applyComponent(tx, type, data as SolutionInterestDefined | SolutionInterestDeleted, cause);
        jobs++;
        continue;
      }
      const touch = await collectRecordOrCommand(tx, writes, type, data);
      if (touch) touches.push({ touch, cause });
    }
    // State first, in bulk (the last write per key wins, as applying one by one would); then who to recompute.
    await writes.flush(tx);
    // The chunk's own accounts are recomputed here; ancestors' descendant-scoped groups are queued for the pending
    // runner, so that a chunk never waits on another account's lock (a busy parent is recomputed once per batch).
    const forAncestors = new Map<string, RecomputeTarget>();
    const anyDescendantScope = [...interests.values()].some((si) => si.memberScope === 'account-and-descendants');
    const chains = anyDescendantScope ? await ancestorsOfMany(tx, [...new Set(touches.flatMap(({ touch }) => touch.ancestorsOf))]) : new Map<string, string[]>();
    for (const { touch, cause } of touches) {
      const interestIds = touch.solutionInterestId ? [touch.solutionInterestId] : [...interests.keys()];
      for (const solutionInterestId of interestIds) {
        addTarget(targets, { accountId: touch.accountId, solutionInterestId, cause, coalesced: [] });
        if (interests.get(solutionInterestId)?.memberScope !== 'account-and-descendants') continue;
        const above = [];
        for (const root of touch.ancestorsOf) above.push(...(chains.get(root) ?? []));
        if (touch.formerParent) above.push(touch.formerParent);
        for (const accountId of above) addTarget(forAncestors, { accountId, solutionInterestId, cause, coalesced: [] });
      }
    }
    await requestRecomputes(tx, [...forAncestors.values()]);
    const collected = performance.now();
    // Component changes re-read the interests: groups of this chunk are judged by the latest definitions.
    const current = jobs > 0 ? new Map((await liveSolutionInterests(tx)).map((si) => [si.solutionInterestId, si])) : interests;
    const changed = await recomputeGroups(tx, [...targets.values()].sort(byGroup), current, now());
    const finished = performance.now();
    logger.debug(
      {
        events: events.length,
        groups: targets.size,
        queuedForAncestors: forAncestors.size,
        changed,
        stateMs: Math.round(collected - started),
        recomputeMs: Math.round(finished - collected),
      },
      'chunk applied',
    );
    return { jobs };
  });
}

/** The cause of a group version is the originating CRM/operator event, not the internal hop. */
function causeOf(type: string, data: unknown, id: string): Cause {
  const carried = (data as { cause?: Cause }).cause;
  return carried ?? { eventId: id, eventType: type };
}

function addTarget(targets: Map<string, RecomputeTarget>, target: RecomputeTarget): void {
  const key = `${target.accountId}|${target.solutionInterestId}`;
  const earlier = targets.get(key);
  if (earlier && earlier.cause.eventId !== target.cause.eventId) {
    target.coalesced = [...earlier.coalesced, earlier.cause.eventId].filter((id) => id !== target.cause.eventId);
  } else if (earlier) {
    target.coalesced = earlier.coalesced;
  }
  targets.set(key, target);
}

const byGroup = (a: RecomputeTarget, b: RecomputeTarget) =>
  a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : a.solutionInterestId < b.solutionInterestId ? -1 : 1;

async function applyComponent(tx: Queryable, type: string, data: SolutionInterestDefined | SolutionInterestDeleted, cause: Cause) {
  if (type === internalEventTypes.solutionInterestDefined) await saveSolutionInterest(tx, data as SolutionInterestDefined);
  else await markSolutionInterestDeleted(tx, data.solutionInterestId);
  await enqueueRecomputeJob(tx, data.solutionInterestId, cause);
}

async function collectRecordOrCommand(tx: Queryable, writes: StateWrites, type: string, data: unknown): Promise<Touch | null> {
  switch (type) {
    case internalEventTypes.personChanged: {
      const change = data as PersonChanged;
      writes.personLink(change);
      return { accountId: change.accountId, ancestorsOf: [change.accountId] };
    }
    case internalEventTypes.accountChanged: {
      const change = data as AccountChanged;
      writes.account(change);
      // A hierarchy move changes the scope of both the old and the new ancestors.
      const moved = change.previousParentAccountId && change.previousParentAccountId !== change.account?.parentAccountId;
      return {
        accountId: change.accountId,
        ancestorsOf: moved ? [change.accountId, change.previousParentAccountId!] : [change.accountId],
        formerParent: moved ? change.previousParentAccountId! : undefined,
      };
    }
    case internalEventTypes.memberCommand: {
      const command = data as MemberCommand;
      if (command.source === 'rule') return null;
      const key = { accountId: command.accountId, solutionInterestId: command.solutionInterestId };
      const base = { personId: command.personId, source: command.source, requestedAt: command.requestedAt };
      if (command.action === 'add') {
        if (!command.role) return null;
        await saveOverride(tx, key, { ...base, action: 'add', role: command.role });
      } else {
        await saveOverride(tx, key, { ...base, action: 'remove', role: command.role });
      }
      return { accountId: command.accountId, solutionInterestId: command.solutionInterestId, ancestorsOf: [] };
    }
    default:
      // Activities and opportunities do not change membership.
      return null;
  }
}
