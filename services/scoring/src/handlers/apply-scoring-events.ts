import {
  Topics,
  accountChangedSchema,
  activityAcceptedSchema,
  groupRecomputedSchema,
  internalEventTypes,
  opportunityChangedSchema,
  personChangedSchema,
  type ActivityAccepted,
  type GroupRecomputed,
} from '@bg/contracts';
import type { IncomingEvent } from '@bg/kafka';
import { claimNewEvents, enqueue, withTransaction, type Pool } from '@bg/postgres';
import type { Logger } from '@bg/service-kit';
import { applyActivities } from './activity-accepted';
import { applyGroupInputs } from './group-recomputed';
import type { ScoringSettings } from './settings';

export const scoringConsumer = 'scoring';

/**
 * What scoring reads. Of the record changes only accepted activities matter, but every type ingestion writes there is
 * registered, so that the others are skipped rather than dead-lettered as unknown.
 */
export const scoringTopics = {
  [Topics.groupRecomputed]: { [internalEventTypes.groupRecomputed]: groupRecomputedSchema },
  [Topics.recordChanges]: {
    [internalEventTypes.activityAccepted]: activityAcceptedSchema,
    [internalEventTypes.personChanged]: personChangedSchema,
    [internalEventTypes.accountChanged]: accountChangedSchema,
    [internalEventTypes.opportunityChanged]: opportunityChangedSchema,
  },
};

/**
 * One transaction per chunk: inbox (drop redelivered ids) → group state and activities → outbox. The state commits
 * before the offsets, so a crash in between redelivers events the inbox then ignores; versions stay gapless.
 */
export async function applyScoringEvents(
  pool: Pool,
  logger: Logger,
  settings: ScoringSettings,
  events: readonly IncomingEvent[],
): Promise<void> {
  await withTransaction(pool, async (tx) => {
    const fresh = await claimNewEvents(tx, scoringConsumer, [...new Set(events.map((e) => e.event.id))]);
    const inputs: GroupRecomputed[] = [];
    const activities: ActivityAccepted[] = [];
    for (const { event, offset } of events) {
      if (!fresh.delete(event.id)) {
        logger.debug({ eventId: event.id, offset }, 'duplicate event ignored');
      } else if (event.type === internalEventTypes.groupRecomputed) {
        inputs.push(event.data as GroupRecomputed);
      } else if (event.type === internalEventTypes.activityAccepted) {
        activities.push(event.data as ActivityAccepted);
      }
    }
    const now = settings.now();
    const outbox = [
      ...(await applyGroupInputs(tx, inputs, settings, now)),
      ...(await applyActivities(tx, activities, settings, now)),
    ];
    await enqueue(tx, outbox);
    if (outbox.length > 0) logger.debug({ events: events.length, messages: outbox.length }, 'chunk scored');
  });
}
