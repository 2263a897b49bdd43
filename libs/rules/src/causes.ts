import type { Cause } from '@bg/contracts';

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
  const ids = [
    ...earlier.flatMap((entry) => [...(entry.coalesced ?? []), entry.cause.eventId]),
    ...(last.coalesced ?? []),
  ];
  const coalesced = [...new Set(ids)].filter((id) => id !== last.cause.eventId);
  return { cause: last.cause, coalesced: coalesced.length > 0 ? coalesced : undefined };
}
