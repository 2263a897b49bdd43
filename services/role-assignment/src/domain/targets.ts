import type { Cause } from '@bg/contracts';
import { foldCauses } from '@bg/rules';

/**
 * In place of a solution interest id: every group of the account — for a change of its people, the groups it has; for
 * a change of the account itself, one per live solution interest. Resolved under the account's lock, so that a change
 * costs what the account's own groups cost, whatever the number of solution interests.
 */
export const everyGroupOfTheAccount = '*';

/** One group to recompute — whole, or only some of its people — with the input event(s) that asked for it. */
export type RecomputeTarget = {
  accountId: string;
  /** A solution interest, or `everyGroupOfTheAccount`. */
  solutionInterestId: string;
  /** The people to re-judge; null for the whole group. */
  personIds: string[] | null;
  cause: Cause;
  /** The other inputs folded into it, each once. */
  coalesced: Cause[];
};

/**
 * Folds the requests for one group into one recomputation, in arrival order: the whole group if any request asks
 * for it, else every person asked for; the cause is the last request's, `coalesced` the others' inputs, each once —
 * told apart by source and id, since two CRMs may use the same ids.
 */
export function mergeTargets(earlier: RecomputeTarget | undefined, later: RecomputeTarget): RecomputeTarget {
  if (earlier === undefined) return later;
  const personIds =
    earlier.personIds === null || later.personIds === null
      ? null
      : [...new Set([...earlier.personIds, ...later.personIds])];
  // Every folded input is listed (CONTRACT §3): a consumer relies on it to know its event was applied. The list is
  // bounded by what one transaction folds (a chunk of events, a batch of queued requests).
  const { coalesced } = foldCauses([earlier], later);
  return { ...later, personIds, coalesced };
}

/** Adds a request to a map of targets keyed by group. */
export function addTarget(targets: Map<string, RecomputeTarget>, target: RecomputeTarget): void {
  const key = `${target.accountId}|${target.solutionInterestId}`;
  targets.set(key, mergeTargets(targets.get(key), target));
}

/** Group order (account, then solution interest): the order locks are taken in. */
export const byGroup = (a: RecomputeTarget, b: RecomputeTarget): number =>
  a.accountId < b.accountId
    ? -1
    : a.accountId > b.accountId
      ? 1
      : a.solutionInterestId < b.solutionInterestId
        ? -1
        : a.solutionInterestId > b.solutionInterestId
          ? 1
          : 0;
