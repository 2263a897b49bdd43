/**
 * A slot of an account is looked up at most once per cool-down: a role that flaps (missing, filled, missing again) or
 * an event repeated under a new id must not buy the same people twice. `lastLookupAt` is the start of the latest
 * lookup of that (account, solution interest, role) that was not cancelled (its role filled before it ran, or its group
 * dissolved: a revived group starts afresh).
 */
export function inCooldown(lastLookupAt: Date | null, now: number, cooldownMs: number): boolean {
  return lastLookupAt !== null && now - lastLookupAt.getTime() < cooldownMs;
}
