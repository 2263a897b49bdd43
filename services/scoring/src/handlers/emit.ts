import { Topics, buyingGroupChangedType, internalEventTypes, type RoleSlot } from '@bg/contracts';
import { encodeCloudEvent } from '@bg/kafka';
import type { OutboxMessage } from '@bg/postgres';
import { currentTraceHeaders } from '@bg/service-kit';
import type { SnapshotResult } from '../domain/group-snapshot';
import { roleGapEvents } from '../domain/role-gaps';

export const scoringSource = 'bg/scoring';

/**
 * A published version for the outbox: the public `buying-group.changed` (id `<buyingGroupId>:<version>`) and one
 * internal role-missing / role-filled event per role transition, all keyed by account. Ids derive from the version,
 * so a re-send after a crash carries the same ids and consumers drop it.
 */
export function versionMessages(result: SnapshotResult, slots: readonly RoleSlot[]): OutboxMessage[] {
  const { snapshot } = result;
  const id = `${snapshot.buyingGroupId}:${snapshot.version}`;
  const headers = currentTraceHeaders();
  const message = (topic: string, eventId: string, type: string, data: object): OutboxMessage => ({
    topic,
    key: snapshot.accountId,
    value: encodeCloudEvent({ id: eventId, type, source: scoringSource, time: snapshot.computedAt, subject: snapshot.buyingGroupId, data }),
    headers,
  });
  return [
    message(Topics.buyingGroupChanges, id, buyingGroupChangedType, snapshot),
    ...roleGapEvents(snapshot, slots, result.roleTransitions).map(({ kind, gap }) =>
      message(
        Topics.roleEvents,
        `${id}:${kind}:${gap.role}`,
        kind === 'missing' ? internalEventTypes.roleMissing : internalEventTypes.roleFilled,
        gap,
      ),
    ),
  ];
}
