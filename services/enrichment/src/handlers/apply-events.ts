import {
  internalEventTypes,
  type AccountChanged,
  type EventType,
  type PersonChanged,
  type RoleGap,
} from '@bg/contracts';
import type { IncomingEvent } from '@bg/kafka';
import type { PoolClient, Queryable } from '@bg/postgres';
import type { UnitResult } from '@bg/service-kit';
import type { Clock } from '../resilience/clock';
import { applyAccountChanged, applyPersonChanged } from './record-changes';
import { applyRoleGap, type ChunkEffects, type RolePolicy } from './role-events';

export const enrichmentConsumer = 'enrichment';

/** Role events drive the work; record changes keep the people and accounts a lookup needs. */
export const enrichmentConsumes = [
  internalEventTypes.roleMissing,
  internalEventTypes.roleFilled,
  internalEventTypes.personChanged,
  internalEventTypes.accountChanged,
] as const satisfies readonly EventType[];

export type HandlerDeps = {
  clock: Clock;
  policy: RolePolicy;
  /** Called after a commit that gave the worker something to do. */
  onCommitted: (effects: ChunkEffects) => void;
};

/**
 * One chunk → projection, missing roles, lookup jobs. Idempotent by the data: record changes apply only when newer
 * than what is held, role transitions in group-version order, and a lookup job's id derives from its event.
 */
export async function applyEvents(deps: HandlerDeps, tx: PoolClient, events: IncomingEvent[]): Promise<UnitResult> {
  const chunk: ChunkEffects = { newWork: false, skipped: [], cancelled: 0 };
  const now = new Date(deps.clock());
  for (const incoming of events) await apply(tx, incoming, deps.policy, now, chunk);
  return { afterCommit: () => deps.onCommitted(chunk) };
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
