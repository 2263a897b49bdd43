import {
  internalEventTypes,
  type AccountChanged,
  type ActivityAccepted,
  type EventType,
  type GroupExplicitSet,
  type GroupMembershipChanged,
  type OpportunityChanged,
} from '@bg/contracts';
import type { IncomingEvent } from '@bg/kafka';
import type { PoolClient } from '@bg/postgres';
import type { Logger, UnitResult } from '@bg/service-kit';
import { lockAccounts } from '../db/account-locks';
import { ancestorsOf, saveAccounts } from '../db/accounts';
import { applyActivities } from './activity-accepted';
import { applyExplicitSetEvents } from './explicit-set';
import { applyMembershipChanges } from './membership-changed';
import { applyOpportunities } from './opportunity-changed';
import type { ScoringSettings } from './settings';

export const scoringConsumer = 'scoring';

/** What scoring applies; the other record changes on the same topic are skipped unread. */
export const scoringConsumes = [
  internalEventTypes.groupMembershipChanged,
  internalEventTypes.activityAccepted,
  internalEventTypes.accountChanged,
  internalEventTypes.groupExplicitSet,
  internalEventTypes.opportunityChanged,
] as const satisfies readonly EventType[];

/**
 * One chunk, in the transaction the worker shell opened: the hierarchy, then membership changes, explicit sets,
 * activities, then opportunities.
 * Idempotent from the data alone: an account change not newer than the stored one, a membership version not newer
 * than the stored one and an activity already stored change nothing, so a redelivery publishes nothing and versions
 * stay gapless.
 */
export async function applyScoringEvents(
  tx: PoolClient,
  events: readonly IncomingEvent[],
  settings: ScoringSettings,
  logger: Logger,
): Promise<UnitResult> {
  const changes: GroupMembershipChanged[] = [];
  const activities: ActivityAccepted[] = [];
  const accounts: AccountChanged[] = [];
  const sets: GroupExplicitSet[] = [];
  const opportunities: OpportunityChanged[] = [];
  for (const { event } of events) {
    if (event.type === internalEventTypes.groupMembershipChanged) changes.push(event.data as GroupMembershipChanged);
    else if (event.type === internalEventTypes.activityAccepted) activities.push(event.data as ActivityAccepted);
    else if (event.type === internalEventTypes.accountChanged) accounts.push(event.data as AccountChanged);
    else if (event.type === internalEventTypes.groupExplicitSet) sets.push(event.data as GroupExplicitSet);
    else if (event.type === internalEventTypes.opportunityChanged) opportunities.push(event.data as OpportunityChanged);
  }
  await saveAccounts(tx, accounts);
  // An activity also re-scores its ancestors' roll-up groups: their accounts are locked with the chunk's own, in one
  // ordered statement, so that a membership change of such a group and the activity never miss each other either.
  const activityAccounts = activities.map((a) => a.activity.accountId);
  const ancestors = await ancestorsOf(tx, activityAccounts);
  await lockAccounts(tx, [
    ...changes.map((c) => c.accountId),
    ...sets.map((s) => s.accountId),
    ...opportunities.map((o) => o.opportunity.accountId),
    ...activityAccounts,
    ...[...ancestors.values()].flat(),
  ]);
  const now = settings.now();
  const outbox = [
    ...(await applyMembershipChanges(tx, changes, settings, now)),
    // After the membership changes: role-assignment sends a group's first version before any set for it.
    ...(await applyExplicitSetEvents(tx, sets, now)),
    ...(await applyActivities(tx, activities, settings, now, ancestors)),
    // Opportunities last: a stage they move is a version of its own, caused by them.
    ...(await applyOpportunities(tx, opportunities, now)),
  ];
  if (outbox.length > 0) logger.debug({ events: events.length, messages: outbox.length }, 'chunk scored');
  return { outbox };
}
