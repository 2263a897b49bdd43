import type { RoleGap } from '@bg/contracts';
import type { Queryable } from '@bg/postgres';
import { lockAudienceMember, saveAudienceMember } from '../db/audience-members';
import { cancelPendingLookups, insertLookupJob, lastLookupAt, lookupJobExists } from '../db/lookup-jobs';
import { nextMissingRoles, sameRoles, statusAfterChange, type RoleGapKind } from '../domain/audience-membership';
import { inCooldown } from '../domain/cooldown';

export type RolePolicy = { lookupsEnabled: boolean; cooldownMs: number };

/** What a chunk did, reported after its commit (metrics, waking the worker). */
export type ChunkEffects = {
  newWork: boolean;
  skipped: Array<'cooldown' | 'no-provider'>;
  cancelled: number;
};

/**
 * A role went missing or was filled in a group. The group's missing roles decide the account's place in the solution
 * interest's audience; a missing role also records a lookup of the slot, unless the slot was looked up within the
 * cool-down. Provider calls happen later, in the worker, never inside this transaction.
 */
export async function applyRoleGap(
  db: Queryable,
  kind: RoleGapKind,
  gap: RoleGap,
  eventId: string,
  policy: RolePolicy,
  now: Date,
  effects: ChunkEffects,
): Promise<void> {
  // Transitions of an older group version than the one applied (a re-sent event) change nothing.
  if (!(await updateMissingRoles(db, kind, gap, now, effects))) return;
  if (kind === 'filled') {
    effects.cancelled += await cancelPendingLookups(db, gap.accountId, gap.solutionInterestId, gap.role, now);
    return;
  }
  if (!policy.lookupsEnabled) {
    effects.skipped.push('no-provider');
    return;
  }
  const jobId = `lookup:${eventId}`;
  // The same event delivered again: its lookup is already recorded (not a second ask within the cool-down).
  if (await lookupJobExists(db, gap.accountId, jobId)) return;
  const last = await lastLookupAt(db, gap.accountId, gap.solutionInterestId, gap.role);
  if (inCooldown(last, now.getTime(), policy.cooldownMs)) {
    effects.skipped.push('cooldown');
    return;
  }
  await insertLookupJob(
    db,
    {
      accountId: gap.accountId,
      jobId,
      solutionInterestId: gap.solutionInterestId,
      buyingGroupId: gap.buyingGroupId,
      role: gap.role,
      slot: gap.slot,
      slotDefinition: gap.slotDefinition,
      causeEventId: eventId,
    },
    now,
  );
  effects.newWork = true;
}

/**
 * Applies the transition to the group's missing roles; false when it is older than the transitions already applied.
 * Transitions of one version are applied in any order (each names its own role), so the same version is not stale.
 */
async function updateMissingRoles(
  db: Queryable,
  kind: RoleGapKind,
  gap: RoleGap,
  now: Date,
  effects: ChunkEffects,
): Promise<boolean> {
  const key = { accountId: gap.accountId, solutionInterestId: gap.solutionInterestId };
  const current = await lockAudienceMember(db, key.accountId, key.solutionInterestId);
  if (gap.version < (current?.groupVersion ?? 0)) return false;
  const groupVersion = gap.version;
  const before = current?.missingRoles ?? [];
  const missingRoles = nextMissingRoles(before, kind, gap.role);
  if (sameRoles(before, missingRoles)) return true;
  const status = statusAfterChange(current?.status ?? 'in-sync', missingRoles, current?.inAudience ?? false);
  const rearm = status === 'pending' && current?.status !== 'pending';
  await saveAudienceMember(db, key, { missingRoles, status, rearm, groupVersion }, now);
  if (status === 'pending') effects.newWork = true;
  return true;
}
