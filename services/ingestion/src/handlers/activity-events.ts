import {
  internalEventTypes,
  type ActivityAccepted,
  type ActivityRecorded,
  type Cause,
  type OpportunityChanged,
  type OpportunityUpserted,
} from '@bg/contracts';
import type { OutboxMessage, Queryable } from '@bg/postgres';
import { activityKey, insertActivities, lockOpportunities, saveOpportunities } from '../db/records';
import { isNewer, latestPerRecord } from '../domain/versioning';
import { recordChange } from './emit';

/**
 * An activity counts once, whenever (and however often) it arrives: it is identified by the CRM that sent it (the
 * CloudEvents source of its event) and its id, so that two CRMs using the same ids never hide each other's activities.
 */
export async function applyActivities(
  db: Queryable,
  events: { activity: ActivityRecorded; cause: Cause }[],
): Promise<OutboxMessage[]> {
  const keyOf = ({ activity, cause }: { activity: ActivityRecorded; cause: Cause }) =>
    activityKey(activity.accountId, sourceOf(cause), activity.activityId);
  const unique = [...new Map(events.map((e) => [keyOf(e), e])).values()];
  const inserted = await insertActivities(
    db,
    unique.map((e) => ({ source: sourceOf(e.cause), activity: e.activity })),
  );
  return unique
    .filter((e) => inserted.has(keyOf(e)))
    .map(({ activity, cause }) => {
      const data: ActivityAccepted = { activity, cause };
      return recordChange(activity.accountId, cause, internalEventTypes.activityAccepted, data);
    });
}

const sourceOf = (cause: Cause): string => cause.source ?? '';

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
