import { internalEventTypes, type ActivityAccepted, type ActivityRecorded, type Cause, type OpportunityChanged, type OpportunityUpserted } from '@bg/contracts';
import type { OutboxMessage, Queryable } from '@bg/postgres';
import { insertActivity, lockOpportunity, saveOpportunity } from '../db/records';
import { isNewer } from '../domain/versioning';
import { recordChange } from './emit';

/** An activity counts once, whenever (and however often) it arrives. */
export async function applyActivityRecorded(db: Queryable, activity: ActivityRecorded, cause: Cause): Promise<OutboxMessage[]> {
  if (!(await insertActivity(db, activity))) return [];
  const data: ActivityAccepted = { activity, cause };
  return [recordChange(internalEventTypes.activityAccepted, activity.accountId, cause, data)];
}

export async function applyOpportunityUpserted(db: Queryable, opportunity: OpportunityUpserted, cause: Cause): Promise<OutboxMessage[]> {
  if (!isNewer(opportunity.updatedAt, await lockOpportunity(db, opportunity.opportunityId))) return [];
  await saveOpportunity(db, opportunity);
  const data: OpportunityChanged = { opportunity, cause };
  return [recordChange(internalEventTypes.opportunityChanged, opportunity.accountId, cause, data)];
}
