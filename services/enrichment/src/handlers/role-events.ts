import type { RoleGap } from '@bg/contracts';
import type { Queryable } from '@bg/postgres';
import { lockAudienceMember, saveAudienceMember } from '../db/audience-members';
import { cancelPendingLookups, insertLookupJob, lastLookupAt } from '../db/lookup-jobs';
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
  await updateMissingRoles(db, kind, gap, now, effects);
  if (kind === 'filled') {
    effects.cancelled += await cancelPendingLookups(db, gap.accountId, gap.solutionInterestId, gap.role, now);
    return;
  }
  if (!policy.lookupsEnabled) {
    effects.skipped.push('no-provider');
    return;
  }
  const last = await lastLookupAt(db, gap.accountId, gap.solutionInterestId, gap.role);
  if (inCooldown(last, now.getTime(), policy.cooldownMs)) {
    effects.skipped.push('cooldown');
    return;
  }
  await insertLookupJob(
    db,
    {
      accountId: gap.accountId,
      jobId: `lookup:${eventId}`,
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

async function updateMissingRoles(
  db: Queryable,
  kind: RoleGapKind,
  gap: RoleGap,
  now: Date,
  effects: ChunkEffects,
): Promise<void> {
  const key = { accountId: gap.accountId, solutionInterestId: gap.solutionInterestId };
  const current = await lockAudienceMember(db, key.accountId, key.solutionInterestId);
  const before = current?.missingRoles ?? [];
  const missingRoles = nextMissingRoles(before, kind, gap.role);
  if (sameRoles(before, missingRoles)) return;
  const status = statusAfterChange(current?.status ?? 'in-sync', missingRoles, current?.inAudience ?? false);
  const rearm = status === 'pending' && current?.status !== 'pending';
  await saveAudienceMember(db, key, { missingRoles, status, rearm }, now);
  if (status === 'pending') effects.newWork = true;
}
