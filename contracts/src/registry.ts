import type { z } from 'zod';
import { buyingGroupChangedSchema, buyingGroupChangedType } from './buying-group';
import { aiModelTrainedSchema, solutionInterestDefinedSchema, solutionInterestDeletedSchema } from './components';
import {
  accountDeletedSchema,
  accountUpsertedSchema,
  activityRecordedSchema,
  opportunityUpsertedSchema,
  personDeletedSchema,
  personUpsertedSchema,
} from './crm';
import {
  accountChangedSchema,
  activityAcceptedSchema,
  groupCommandSchema,
  groupDissolvedSchema,
  groupExplicitSetSchema,
  groupMembershipChangedSchema,
  internalEventTypes,
  memberCommandSchema,
  opportunityChangedSchema,
  personChangedSchema,
  personEngagementChangedSchema,
  roleGapSchema,
} from './internal';
import {
  journeyCommandTypes,
  journeyMemberAssignSchema,
  journeyMemberRemoveSchema,
  journeyStageSetSchema,
  journeyStatusSetSchema,
} from './journeys';
import { Topics } from './topics';

/**
 * Every event type that travels on a topic, with its topic and the schema of its `data`: the one registry producers
 * validate against before they emit and consumers decode with. A consumer names the types it applies; the other
 * types registered on the same topics are skipped, and a type registered nowhere is dead-lettered as `unknown-type`.
 */
export const eventRegistry = {
  'account.upserted': { topic: Topics.crmAccounts, schema: accountUpsertedSchema },
  'account.deleted': { topic: Topics.crmAccounts, schema: accountDeletedSchema },
  'person.upserted': { topic: Topics.crmPersons, schema: personUpsertedSchema },
  'person.deleted': { topic: Topics.crmPersons, schema: personDeletedSchema },
  'activity.recorded': { topic: Topics.crmActivities, schema: activityRecordedSchema },
  'opportunity.upserted': { topic: Topics.crmOpportunities, schema: opportunityUpsertedSchema },
  [journeyCommandTypes.memberAssign]: { topic: Topics.journeyCommands, schema: journeyMemberAssignSchema },
  [journeyCommandTypes.memberRemove]: { topic: Topics.journeyCommands, schema: journeyMemberRemoveSchema },
  [journeyCommandTypes.stageSet]: { topic: Topics.journeyCommands, schema: journeyStageSetSchema },
  [journeyCommandTypes.statusSet]: { topic: Topics.journeyCommands, schema: journeyStatusSetSchema },
  [buyingGroupChangedType]: { topic: Topics.buyingGroupChanges, schema: buyingGroupChangedSchema },
  [internalEventTypes.personChanged]: { topic: Topics.recordChanges, schema: personChangedSchema },
  [internalEventTypes.accountChanged]: { topic: Topics.recordChanges, schema: accountChangedSchema },
  [internalEventTypes.activityAccepted]: { topic: Topics.recordChanges, schema: activityAcceptedSchema },
  [internalEventTypes.opportunityChanged]: { topic: Topics.recordChanges, schema: opportunityChangedSchema },
  [internalEventTypes.solutionInterestDefined]: { topic: Topics.components, schema: solutionInterestDefinedSchema },
  [internalEventTypes.solutionInterestDeleted]: { topic: Topics.components, schema: solutionInterestDeletedSchema },
  [internalEventTypes.aiModelTrained]: { topic: Topics.components, schema: aiModelTrainedSchema },
  [internalEventTypes.memberCommand]: { topic: Topics.memberCommands, schema: memberCommandSchema },
  [internalEventTypes.groupCommand]: { topic: Topics.memberCommands, schema: groupCommandSchema },
  [internalEventTypes.groupExplicitSet]: { topic: Topics.membershipChanges, schema: groupExplicitSetSchema },
  [internalEventTypes.groupMembershipChanged]: {
    topic: Topics.membershipChanges,
    schema: groupMembershipChangedSchema,
  },
  [internalEventTypes.roleMissing]: { topic: Topics.roleEvents, schema: roleGapSchema },
  [internalEventTypes.roleFilled]: { topic: Topics.roleEvents, schema: roleGapSchema },
  [internalEventTypes.groupDissolved]: { topic: Topics.roleEvents, schema: groupDissolvedSchema },
  [internalEventTypes.personEngagementChanged]: { topic: Topics.engagement, schema: personEngagementChangedSchema },
} as const satisfies Record<string, { topic: string; schema: z.ZodType }>;

export type EventType = keyof typeof eventRegistry;
/** The validated (parsed) data of an event type. */
export type EventData<T extends EventType> = z.output<(typeof eventRegistry)[T]['schema']>;

/** How a consumer reads one topic: the schemas of the types it applies, and the other types it may skip unread. */
export type TopicReading = { applies: Record<string, z.ZodType>; skips: string[] };

/** The topics a consumer of `types` reads, with what it applies and skips on each. */
export function topicsReadBy(types: readonly EventType[]): Record<string, TopicReading> {
  const topics: Record<string, TopicReading> = {};
  for (const type of types) {
    const { topic, schema } = eventRegistry[type];
    topics[topic] ??= { applies: {}, skips: [] };
    topics[topic].applies[type] = schema;
  }
  for (const [type, { topic }] of Object.entries(eventRegistry)) {
    const reading = topics[topic];
    if (reading && !(type in reading.applies)) reading.skips.push(type);
  }
  return topics;
}

export function isRegisteredType(type: string): type is EventType {
  return Object.hasOwn(eventRegistry, type);
}
