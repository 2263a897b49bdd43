import {
  Topics,
  accountChangedSchema,
  activityAcceptedSchema,
  internalEventTypes,
  opportunityChangedSchema,
  personChangedSchema,
  roleGapSchema,
  type AccountChanged,
  type PersonChanged,
  type RoleGap,
} from '@bg/contracts';
import type { IncomingEvent } from '@bg/kafka';
import { claimNewEvents, withTransaction, type Pool, type Queryable } from '@bg/postgres';
import type { Logger } from '@bg/service-kit';
import type { Clock } from '../resilience/clock';
import { applyAccountChanged, applyPersonChanged } from './record-changes';
import { applyRoleGap, type ChunkEffects, type RolePolicy } from './role-events';

export const enrichmentConsumer = 'enrichment';

/**
 * Role events drive the work; record changes keep the people and accounts a lookup needs. Activities and
 * opportunities travel on the same topic: they are registered so they are not dead-lettered, and ignored.
 */
export const consumedTopics = {
  [Topics.roleEvents]: {
    [internalEventTypes.roleMissing]: roleGapSchema,
    [internalEventTypes.roleFilled]: roleGapSchema,
  },
  [Topics.recordChanges]: {
    [internalEventTypes.personChanged]: personChangedSchema,
    [internalEventTypes.accountChanged]: accountChangedSchema,
    [internalEventTypes.activityAccepted]: activityAcceptedSchema,
    [internalEventTypes.opportunityChanged]: opportunityChangedSchema,
  },
};

export type HandlerDeps = {
  pool: Pool;
  logger: Logger;
  clock: Clock;
  policy: RolePolicy;
  /** Called after a commit that gave the worker something to do. */
  onCommitted: (effects: ChunkEffects) => void;
};

/** One transaction per chunk: inbox (drop redelivered ids) → projection, missing roles, lookup jobs. */
export async function applyEvents(deps: HandlerDeps, events: IncomingEvent[]): Promise<void> {
  const effects = await withTransaction(deps.pool, async (tx) => {
    const chunk: ChunkEffects = { newWork: false, skipped: [], cancelled: 0 };
    const fresh = await claimNewEvents(tx, enrichmentConsumer, [...new Set(events.map((e) => e.event.id))]);
    const now = new Date(deps.clock());
    for (const incoming of events) {
      // A duplicate id inside one chunk is applied once: the first occurrence takes the claim.
      if (!fresh.delete(incoming.event.id)) {
        deps.logger.debug({ eventId: incoming.event.id, offset: incoming.offset }, 'duplicate event ignored');
        continue;
      }
      await apply(tx, incoming, deps.policy, now, chunk);
    }
    return chunk;
  });
  deps.onCommitted(effects);
}

function apply(
  db: Queryable,
  incoming: IncomingEvent,
  policy: RolePolicy,
  now: Date,
  effects: ChunkEffects,
): Promise<void> {
  const { id, type, data } = incoming.event;
  switch (type) {
    case internalEventTypes.roleMissing:
      return applyRoleGap(db, 'missing', data as RoleGap, id, policy, now, effects);
    case internalEventTypes.roleFilled:
      return applyRoleGap(db, 'filled', data as RoleGap, id, policy, now, effects);
    case internalEventTypes.personChanged:
      return applyPersonChanged(db, data as PersonChanged);
    case internalEventTypes.accountChanged:
      return applyAccountChanged(db, data as AccountChanged);
    default:
      return Promise.resolve();
  }
}
