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
  /** The requests folded into it, in arrival order; absent for one request (the target is its own). */
  requests?: readonly RecomputeRequest[];
};

/** One request for a recomputation: its inputs (those it had folded in first, its own last) and the people it named. */
export type RecomputeRequest = { causes: readonly Cause[]; personIds: readonly string[] | null };

/** The requests a target folds, in arrival order. */
export function requestsOf(target: RecomputeTarget): readonly RecomputeRequest[] {
  return target.requests ?? [{ causes: [...target.coalesced, target.cause], personIds: target.personIds }];
}

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
  return { ...later, personIds, coalesced, requests: [...requestsOf(earlier), ...requestsOf(later)] };
}

/**
 * The inputs a version of the target's group answers (CONTRACT.md §3: `cause` is the input that produced it): those
 * whose request named a person the version changes, or the whole group. An input whose people it leaves as they were
 * is not named: folded into a recomputation with others, it produced nothing there (the other half of a change seen
 * from two accounts of a roll-up, say, already answered by the version that applied it). When no request's people
 * changed, every input is named.
 */
export function answeredInputs(
  target: RecomputeTarget,
  changedPeople: ReadonlySet<string>,
): { cause: Cause; coalesced: Cause[] } {
  const requests = requestsOf(target);
  const producing = requests.filter((r) => r.personIds === null || r.personIds.some((id) => changedPeople.has(id)));
  const inputs = (producing.length > 0 ? producing : requests).flatMap((r) => r.causes);
  return foldCauses(
    inputs.slice(0, -1).map((cause) => ({ cause })),
    { cause: inputs.at(-1)! },
  );
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
