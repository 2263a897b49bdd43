import {
  internalEventTypes,
  type ActivityAccepted,
  type EventType,
  type GroupExplicitSet,
  type GroupMembershipChanged,
} from '@bg/contracts';
import type { IncomingEvent } from '@bg/kafka';
import type { PoolClient } from '@bg/postgres';
import type { Logger, UnitResult } from '@bg/service-kit';
import { lockAccounts } from '../db/account-locks';
import { applyActivities } from './activity-accepted';
import { applyExplicitSetEvents } from './explicit-set';
import { applyMembershipChanges } from './membership-changed';
import type { ScoringSettings } from './settings';

export const scoringConsumer = 'scoring';

/** What scoring applies; the other record changes on the same topic are skipped unread. */
export const scoringConsumes = [
  internalEventTypes.groupMembershipChanged,
  internalEventTypes.activityAccepted,
  internalEventTypes.groupExplicitSet,
] as const satisfies readonly EventType[];

/**
 * One chunk, in the transaction the worker shell opened: membership changes, then activities. Idempotent from the
 * data alone: a membership version not newer than the stored one and an activity already stored change nothing, so
 * a redelivery publishes nothing and versions stay gapless.
 */
export async function applyScoringEvents(
  tx: PoolClient,
  events: readonly IncomingEvent[],
  settings: ScoringSettings,
  logger: Logger,
): Promise<UnitResult> {
  const changes: GroupMembershipChanged[] = [];
  const activities: ActivityAccepted[] = [];
  const sets: GroupExplicitSet[] = [];
  for (const { event } of events) {
    if (event.type === internalEventTypes.groupMembershipChanged) changes.push(event.data as GroupMembershipChanged);
    else if (event.type === internalEventTypes.activityAccepted) activities.push(event.data as ActivityAccepted);
    else if (event.type === internalEventTypes.groupExplicitSet) sets.push(event.data as GroupExplicitSet);
  }
  await lockAccounts(tx, [
    ...changes.map((c) => c.accountId),
    ...sets.map((s) => s.accountId),
    ...activities.map((a) => a.activity.accountId),
  ]);
  const now = settings.now();
  const outbox = [
    ...(await applyMembershipChanges(tx, changes, settings, now)),
    // After the membership changes: role-assignment sends a group's first version before any set for it.
    ...(await applyExplicitSetEvents(tx, sets, now)),
    ...(await applyActivities(tx, activities, settings, now)),
  ];
  if (outbox.length > 0) logger.debug({ events: events.length, messages: outbox.length }, 'chunk scored');
  return { outbox };
}
