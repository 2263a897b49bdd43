import { buyingGroupChangedType, internalEventTypes, type RoleSlot } from '@bg/contracts';
import { encodeEvent } from '@bg/kafka';
import type { OutboxMessage } from '@bg/postgres';
import type { PublishedVersion } from '../domain/group-snapshot';
import { dissolutionOf } from '../domain/dissolution';
import { roleGapEvents } from '../domain/role-gaps';

export const scoringSource = 'bg/scoring';

/**
 * A published version for the outbox: the public `buying-group.changed` (id `<buyingGroupId>:<version>`), one
 * internal role-missing / role-filled event per role transition (slot definitions from the stored slots) and a
 * group-dissolved event when the version dissolves the group, all keyed by account. Ids derive from the version, so a
 * re-send after a crash carries the same ids and consumers drop it.
 */
export function versionMessages(
  { snapshot, roleTransitions }: PublishedVersion,
  slots: readonly RoleSlot[],
): OutboxMessage[] {
  const id = `${snapshot.buyingGroupId}:${snapshot.version}`;
  const common = {
    key: snapshot.accountId,
    source: scoringSource,
    subject: snapshot.buyingGroupId,
    time: snapshot.computedAt,
  };
  const dissolved = dissolutionOf(snapshot);
  return [
    encodeEvent(buyingGroupChangedType, { ...common, id, data: snapshot }),
    ...roleGapEvents(snapshot, slots, roleTransitions).map(({ kind, gap }) =>
      encodeEvent(kind === 'missing' ? internalEventTypes.roleMissing : internalEventTypes.roleFilled, {
        ...common,
        id: `${id}:${kind}:${gap.role}`,
        data: gap,
      }),
    ),
    ...(dissolved
      ? [encodeEvent(internalEventTypes.groupDissolved, { ...common, id: `${id}:dissolved`, data: dissolved })]
      : []),
  ];
}
