import { z } from 'zod';
import { attributes, id, timestamp } from './envelope';

const text = z.string().nullish();

export const accountUpsertedSchema = z.object({
  accountId: id,
  name: z.string().min(1),
  domain: text,
  parentAccountId: id.nullish(),
  industry: text,
  annualRevenue: z.number().finite().nonnegative().nullish(),
  employeeCount: z.number().int().nonnegative().nullish(),
  country: text,
  productsOwned: z.array(z.string()).default([]),
  attributes: attributes.default({}),
  updatedAt: timestamp,
});
export type AccountUpserted = z.infer<typeof accountUpsertedSchema>;

export const accountDeletedSchema = z.object({ accountId: id, deletedAt: timestamp });
export type AccountDeleted = z.infer<typeof accountDeletedSchema>;

export const personAccountLinkSchema = z.object({ accountId: id, relationship: z.string().trim().min(1) });
export type PersonAccountLink = z.infer<typeof personAccountLinkSchema>;

export const personUpsertedSchema = z.object({
  personId: id,
  email: z.string().trim().nullish(),
  firstName: text,
  lastName: text,
  jobTitle: text,
  department: text,
  seniority: text,
  country: text,
  accounts: z.array(personAccountLinkSchema).default([]),
  attributes: attributes.default({}),
  updatedAt: timestamp,
});
export type PersonUpserted = z.infer<typeof personUpsertedSchema>;

export const personDeletedSchema = z.object({ personId: id, deletedAt: timestamp });
export type PersonDeleted = z.infer<typeof personDeletedSchema>;

export const activityTypes = [
  'email.opened',
  'email.clicked',
  'link.clicked',
  'page.viewed',
  'form.submitted',
  'event.registered',
  'event.attended',
  'meeting.completed',
  'content.downloaded',
  'interesting.moment',
] as const;
export type ActivityType = (typeof activityTypes)[number];

export const activityRecordedSchema = z.object({
  activityId: id,
  personId: id,
  accountId: id,
  activityType: z.enum(activityTypes),
  occurredAt: timestamp,
  attributes: attributes.default({}),
});
export type ActivityRecorded = z.infer<typeof activityRecordedSchema>;

export const opportunityUpsertedSchema = z.object({
  opportunityId: id,
  accountId: id,
  solutionInterestId: id.nullish(),
  productName: z.string().nullish(),
  stage: z.enum(['open', 'won', 'lost']),
  closedAt: timestamp.nullish(),
  contactRoles: z.array(z.object({ personId: id, role: z.string().min(1) })).default([]),
  updatedAt: timestamp,
});
export type OpportunityUpserted = z.infer<typeof opportunityUpsertedSchema>;

/** Every inbound event type, by topic: the type decides the data schema. */
export const crmEventSchemas = {
  'crm.accounts.v1': { 'account.upserted': accountUpsertedSchema, 'account.deleted': accountDeletedSchema },
  'crm.persons.v1': { 'person.upserted': personUpsertedSchema, 'person.deleted': personDeletedSchema },
  'crm.activities.v1': { 'activity.recorded': activityRecordedSchema },
  'crm.opportunities.v1': { 'opportunity.upserted': opportunityUpsertedSchema },
} as const;

export type CrmEvent =
  | { type: 'account.upserted'; data: AccountUpserted }
  | { type: 'account.deleted'; data: AccountDeleted }
  | { type: 'person.upserted'; data: PersonUpserted }
  | { type: 'person.deleted'; data: PersonDeleted }
  | { type: 'activity.recorded'; data: ActivityRecorded }
  | { type: 'opportunity.upserted'; data: OpportunityUpserted };
export type CrmEventType = CrmEvent['type'];
