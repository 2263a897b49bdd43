import {
  internalEventTypes,
  type ActivityAccepted,
  type ActivityRecorded,
  type Cause,
  type OpportunityChanged,
  type OpportunityUpserted,
} from '@bg/contracts';
import type { OutboxMessage, Queryable } from '@bg/postgres';
import { insertActivities, lockOpportunities, saveOpportunities } from '../db/records';
import { isNewer, latestPerRecord } from '../domain/versioning';
import { recordChange } from './emit';

/** An activity counts once, whenever (and however often) it arrives. */
export async function applyActivities(
  db: Queryable,
  events: { activity: ActivityRecorded; cause: Cause }[],
): Promise<OutboxMessage[]> {
  const unique = [...new Map(events.map((e) => [`${e.activity.accountId}\u0000${e.activity.activityId}`, e])).values()];
  const inserted = await insertActivities(
    db,
    unique.map((e) => e.activity),
  );
  return unique
    .filter((e) => inserted.has(e.activity.activityId))
    .map(({ activity, cause }) => {
      const data: ActivityAccepted = { activity, cause };
      return recordChange(activity.accountId, cause, internalEventTypes.activityAccepted, data);
    });
}

export async function applyOpportunities(
  db: Queryable,
  events: { opportunity: OpportunityUpserted; cause: Cause }[],
): Promise<OutboxMessage[]> {
  const latest = latestPerRecord(
    events,
    (e) => e.opportunity.opportunityId,
    (e) => e.opportunity.updatedAt,
  );
  const stored = await lockOpportunities(db, latest.map((e) => e.opportunity.opportunityId).sort());
  const applied = latest.filter((e) =>
    isNewer(e.opportunity.updatedAt, stored.get(e.opportunity.opportunityId) ?? null),
  );
  await saveOpportunities(
    db,
    applied.map((e) => e.opportunity),
  );
  return applied.map(({ opportunity, cause }) => {
    const data: OpportunityChanged = { opportunity, cause };
    return recordChange(opportunity.accountId, cause, internalEventTypes.opportunityChanged, data);
  });
}
