import { internalEventTypes, operatorActionTypes, type Cause } from '@bg/contracts';

/**
 * Definitions published before they carried their cause (the components topic is compacted, so those stay): they count
 * as the operator action that made them, never as the internal event type that carried them.
 */
const uncausedDefinitions: Readonly<Record<string, string>> = {
  [internalEventTypes.solutionInterestDefined]: operatorActionTypes.solutionInterestDefined,
  [internalEventTypes.solutionInterestDeleted]: operatorActionTypes.solutionInterestDeleted,
};

/**
 * The cause of the group versions an input leads to: the CRM event or operator action it carries, not the internal
 * hop (CONTRACT.md §3 `cause` is public; internal event types are not).
 */
export function causeOf(event: { id: string; type: string; source: string; data: unknown }): Cause {
  const carried = (event.data as { cause?: Cause }).cause;
  if (carried) return carried;
  const eventType = uncausedDefinitions[event.type];
  // Every other input's schema requires its cause: one without is a bug upstream, refused rather than published.
  if (eventType === undefined) throw new Error(`${event.type} ${event.id} carries no cause`);
  return { eventId: event.id, eventType, source: event.source };
}
