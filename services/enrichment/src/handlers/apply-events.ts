import {
  internalEventTypes,
  type AccountChanged,
  type EventType,
  type GroupDissolved,
  type PersonChanged,
  type RoleGap,
} from '@bg/contracts';
import type { IncomingEvent } from '@bg/kafka';
import type { PoolClient } from '@bg/postgres';
import type { UnitResult } from '@bg/service-kit';
import type { Clock } from '../resilience/clock';
import { applyRecordChanges } from './record-changes';
import { applyGroupDissolved, applyRoleGap, type ChunkEffects, type RolePolicy } from './role-events';

export const enrichmentConsumer = 'enrichment';

/** Role events and dissolutions drive the work; record changes keep the people and accounts a lookup needs. */
export const enrichmentConsumes = [
  internalEventTypes.roleMissing,
  internalEventTypes.roleFilled,
  internalEventTypes.groupDissolved,
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
 * than what is held, role transitions and dissolutions in group-version order, and a lookup job's id derives from its
 * event. Role events (rare, each with its own cool-down and audience logic) are applied one by one; record changes (nearly all of
 * the input) are folded and written per table. The two touch different tables, so their relative order is free.
 */
export async function applyEvents(deps: HandlerDeps, tx: PoolClient, events: IncomingEvent[]): Promise<UnitResult> {
  const chunk: ChunkEffects = { newWork: false, skipped: [], cancelled: 0 };
  const now = new Date(deps.clock());
  const records = { persons: [] as PersonChanged[], accounts: [] as AccountChanged[] };
  for (const { event } of events) {
    switch (event.type) {
      case internalEventTypes.roleMissing:
        await applyRoleGap(tx, 'missing', event.data as RoleGap, event.id, deps.policy, now, chunk);
        break;
      case internalEventTypes.roleFilled:
        await applyRoleGap(tx, 'filled', event.data as RoleGap, event.id, deps.policy, now, chunk);
        break;
      case internalEventTypes.groupDissolved:
        await applyGroupDissolved(tx, event.data as GroupDissolved, now, chunk);
        break;
      case internalEventTypes.personChanged:
        records.persons.push(event.data as PersonChanged);
        break;
      case internalEventTypes.accountChanged:
        records.accounts.push(event.data as AccountChanged);
        break;
    }
  }
  await applyRecordChanges(tx, records);
  return { afterCommit: () => deps.onCommitted(chunk) };
}
