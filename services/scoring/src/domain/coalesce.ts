import type { Cause, GroupRecomputed } from '@bg/contracts';

/** Something that led to a version: its cause, and the ids it had itself already folded in. */
export interface CauseEntry {
  cause: Cause;
  coalesced?: readonly string[];
}

export interface Coalesced {
  cause: Cause;
  /** Ids of the other inputs folded into the same version, oldest first; `undefined` when there were none. */
  coalesced: string[] | undefined;
}

/**
 * Several inputs folded into one version (CONTRACT.md §3): the cause is the last, `coalesced` lists the ids of the
 * others — and whatever they had folded in themselves — each once.
 */
export function coalesce(earlier: readonly CauseEntry[], last: CauseEntry): Coalesced {
  const ids = [...earlier.flatMap((entry) => [...(entry.coalesced ?? []), entry.cause.eventId]), ...(last.coalesced ?? [])];
  const coalesced = [...new Set(ids)].filter((id) => id !== last.cause.eventId);
  return { cause: last.cause, coalesced: coalesced.length > 0 ? coalesced : undefined };
}

/** The input with another cause (an activity, a re-score) replacing the membership change that produced it. */
export function withCause(input: GroupRecomputed, causes: Coalesced): GroupRecomputed {
  const { coalesced: _previous, ...rest } = input;
  return { ...rest, cause: causes.cause, ...(causes.coalesced ? { coalesced: causes.coalesced } : {}) };
}

/**
 * An input is stale when role-assignment already sent a newer membership for the group; an equal version may still
 * carry news (a rename, a status) and is applied — an unchanged one publishes nothing anyway.
 */
export function isStaleInput(input: Pick<GroupRecomputed, 'membershipVersion'>, storedMembershipVersion: number | null): boolean {
  return storedMembershipVersion !== null && input.membershipVersion < storedMembershipVersion;
}

/**
 * One input per group out of a chunk, so a burst gives one version per group: the newest membership (the last of
 * equal versions) wins and carries the causes of all the others, in arrival order.
 */
export function foldGroupInputs(inputs: readonly GroupRecomputed[]): GroupRecomputed[] {
  const byGroup = new Map<string, GroupRecomputed[]>();
  for (const input of inputs) byGroup.set(input.buyingGroupId, [...(byGroup.get(input.buyingGroupId) ?? []), input]);
  return [...byGroup.values()].map((arrivals) => {
    const winner = arrivals.reduce((best, input) => (input.membershipVersion >= best.membershipVersion ? input : best));
    const others = arrivals.filter((input) => input !== winner);
    return withCause(winner, coalesce(others, winner));
  });
}
