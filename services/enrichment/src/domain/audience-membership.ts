export type RoleGapKind = 'missing' | 'filled';
export type AudienceStatus = 'in-sync' | 'pending' | 'running' | 'parked';

/** The roles missing in a group after a role-missing or role-filled event: a set, so repeated events change nothing. */
export function nextMissingRoles(current: readonly string[], kind: RoleGapKind, role: string): string[] {
  const roles = new Set(current);
  if (kind === 'missing') roles.add(role);
  else roles.delete(role);
  return [...roles].sort();
}

export function sameRoles(a: readonly string[], b: readonly string[]): boolean {
  const set = new Set(a);
  return set.size === new Set(b).size && b.every((role) => set.has(role));
}

/** An account belongs in a solution interest's audience while any of its roles is missing. */
export const wantsAudience = (missingRoles: readonly string[]): boolean => missingRoles.length > 0;

/**
 * The sync status after the missing roles changed: nothing to do when the audience already holds what is wanted;
 * otherwise the row is (re)armed for the worker — a parked row too, since the change is a new reason to try. A row the
 * worker is working on stays `running`: the worker compares wish and result when it finishes.
 */
export function statusAfterChange(
  current: AudienceStatus,
  missingRoles: readonly string[],
  inAudience: boolean,
): AudienceStatus {
  if (current === 'running') return 'running';
  return wantsAudience(missingRoles) === inAudience ? 'in-sync' : 'pending';
}

/** The matched audience of a solution interest, found by this name (or created) on the ad platform. */
export function audienceName(solutionInterestId: string): string {
  return `buying-groups missing roles: ${solutionInterestId}`;
}
