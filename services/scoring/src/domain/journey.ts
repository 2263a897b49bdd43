import type { Cause, GroupExplicitSet } from '@bg/contracts';
import { compareInstants, setExplicitStage } from '@bg/rules';
import type { GroupHeader } from './group-state';

/**
 * Applies explicit sets of a group's stage and journey status in arrival order. Each field takes a set only when it
 * is newer than the last set of that field applied (so a redelivery has no further effect); the stage follows the
 * precedence manual > journey (`setExplicitStage`). Null when no set was newer.
 */
export function applyExplicitSets<G extends GroupHeader>(
  group: G,
  sets: readonly GroupExplicitSet[],
): { group: G; causes: Cause[] } | null {
  let next = group;
  const causes: Cause[] = [];
  for (const set of sets) {
    let applied = false;
    if (set.stage !== undefined && isNewer(set.requestedAt, next.stageSetAt)) {
      const explicitStage = setExplicitStage(next.explicitStage, {
        name: set.stage,
        source: set.source,
        at: set.requestedAt,
      });
      next = { ...next, explicitStage, stageSetAt: set.requestedAt };
      applied = true;
    }
    if (set.journeyStatus !== undefined && isNewer(set.requestedAt, next.statusSetAt)) {
      next = { ...next, journeyStatus: set.journeyStatus, statusSetAt: set.requestedAt };
      applied = true;
    }
    if (applied) causes.push(set.cause);
  }
  return causes.length > 0 ? { group: next, causes } : null;
}

function isNewer(at: string, last: string | null): boolean {
  return last === null || compareInstants(at, last) > 0;
}
