import { eventIdentity, type Cause } from '@bg/contracts';

/** Something that led to a version: its cause, and the inputs it had itself already folded in. */
export interface CauseEntry {
  cause: Cause;
  coalesced?: readonly Cause[];
}

/**
 * The one folding rule (CONTRACT.md §3): several inputs folded into one version have the last one's cause, and the
 * others — with whatever they had folded in themselves — listed once each, oldest first. Inputs are told apart by
 * source and id, so another CRM's event that happens to share the cause's id is listed, not taken for the cause.
 */
export function foldCauses(earlier: readonly CauseEntry[], last: CauseEntry): { cause: Cause; coalesced: Cause[] } {
  const inputs = [...earlier.flatMap((entry) => [...(entry.coalesced ?? []), entry.cause]), ...(last.coalesced ?? [])];
  const others = new Map<string, Cause>();
  for (const input of inputs) {
    const identity = eventIdentity(input);
    if (identity !== eventIdentity(last.cause) && !others.has(identity)) others.set(identity, input);
  }
  return { cause: last.cause, coalesced: [...others.values()] };
}

export interface Coalesced {
  cause: Cause;
  /** Ids of the other inputs folded into the same version, oldest first; `undefined` when there were none. */
  coalesced: string[] | undefined;
}

/** `foldCauses` as a public version shows it: `coalesced` the ids of the other inputs, absent when there were none. */
export function coalesce(earlier: readonly CauseEntry[], last: CauseEntry): Coalesced {
  const { cause, coalesced } = foldCauses(earlier, last);
  return { cause, coalesced: coalesced.length > 0 ? coalesced.map((input) => input.eventId) : undefined };
}
