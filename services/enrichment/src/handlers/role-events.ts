import type { GroupDissolved, RoleGap } from '@bg/contracts';
import type { Queryable } from '@bg/postgres';
import { lockAudienceMember, saveAudienceMember } from '../db/audience-members';
import {
  cancelGroupLookups,
  cancelPendingLookups,
  insertLookupJob,
  lastLookupAt,
  lookupJobExists,
} from '../db/lookup-jobs';
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
  if (!(await updateMissingRoles(db, gap, (before) => nextMissingRoles(before, kind, gap.role), now, effects))) return;
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
 * A group was dissolved (its account left the audience or was deleted, or its solution interest was deleted): it asks
 * for nobody any more. Its missing roles are cleared, so the account leaves the solution interest's audience if it was
 * in it, and its unfinished lookups are cancelled: a pending one never runs, a running one's result is dropped when it
 * ends (its calls stay audited). A version that revives the group reports its missing roles again, and the group
 * starts afresh: cancelled lookups do not count against the cool-down.
 */
export async function applyGroupDissolved(
  db: Queryable,
  dissolved: GroupDissolved,
  now: Date,
  effects: ChunkEffects,
): Promise<void> {
  if (!(await updateMissingRoles(db, dissolved, () => [], now, effects))) return;
  effects.cancelled += await cancelGroupLookups(db, dissolved.accountId, dissolved.solutionInterestId, now);
}

/**
 * Applies a change of the group's missing roles; false when it comes from a version older than the one applied.
 * Transitions of one version are applied in any order (each names its own role), so the same version is not stale.
 * The version is recorded even when the roles stay the same, so that an older event re-sent later is recognised.
 */
async function updateMissingRoles(
  db: Queryable,
  group: { accountId: string; solutionInterestId: string; version: number },
  next: (before: readonly string[]) => string[],
  now: Date,
  effects: ChunkEffects,
): Promise<boolean> {
  const key = { accountId: group.accountId, solutionInterestId: group.solutionInterestId };
  const current = await lockAudienceMember(db, key.accountId, key.solutionInterestId);
  if (group.version < (current?.groupVersion ?? 0)) return false;
  const before = current?.missingRoles ?? [];
  const missingRoles = next(before);
  if (sameRoles(before, missingRoles)) {
    // Only the version moves, so that an older event re-sent later is recognised; the sync state stays as it is.
    if (current !== null && current.groupVersion !== group.version) {
      const same = { missingRoles, status: current.status, rearm: false, groupVersion: group.version };
      await saveAudienceMember(db, key, same, now);
    }
    return true;
  }
  const status = statusAfterChange(current?.status ?? 'in-sync', missingRoles, current?.inAudience ?? false);
  const rearm = status === 'pending' && current?.status !== 'pending';
  await saveAudienceMember(db, key, { missingRoles, status, rearm, groupVersion: group.version }, now);
  if (status === 'pending') effects.newWork = true;
  return true;
}
