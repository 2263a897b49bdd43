/**
 * Topic names. The `crm.*` and `buying-groups.*` names are the external contract (CONTRACT.md §2–3);
 * `bg.internal.*` topics are this project's own and may change with it.
 */
export const Topics = {
  crmAccounts: 'crm.accounts.v1',
  crmPersons: 'crm.persons.v1',
  crmActivities: 'crm.activities.v1',
  crmOpportunities: 'crm.opportunities.v1',
  buyingGroupChanges: 'buying-groups.changes.v1',
  /** journey systems → role-assignment: write-back commands (CONTRACT.md §7), keyed by accountId. */
  journeyCommands: 'journeys.commands.v1',
  /** ingestion → role-assignment, scoring: canonical record changes, keyed by accountId. */
  recordChanges: 'bg.internal.record-changes.v1',
  /** api → role-assignment: solution interests with their resolved template and audience (compacted). */
  components: 'bg.internal.components.v1',
  /** api → role-assignment: manual/import member edits, keyed by accountId. */
  memberCommands: 'bg.internal.member-commands.v1',
  /** role-assignment → scoring: what changed in a group's membership, keyed by accountId. */
  membershipChanges: 'bg.internal.membership-changes.v1',
  /** scoring → enrichment: role missing / role filled / group dissolved, keyed by accountId. */
  roleEvents: 'bg.internal.role-events.v1',
  /** scoring → role-assignment, api: a person's engagement score at an account changed, keyed by accountId. */
  engagement: 'bg.internal.engagement.v1',
} as const;

export type TopicName = (typeof Topics)[keyof typeof Topics];

/**
 * The inbound topics others publish on (CRMs, and journey systems' write-back), each of which has a dead-letter topic
 * `<topic>.dlq` whose content is the senders' concern, not a bug of ours.
 */
export const inboundTopics = [
  Topics.crmAccounts,
  Topics.crmPersons,
  Topics.crmActivities,
  Topics.crmOpportunities,
  Topics.journeyCommands,
] as const;

/** Name of the dead-letter topic of `topic`. */
export const deadLetterTopic = (topic: string): string => `${topic}.dlq`;

/** Error codes carried in the `x-error-code` header of dead-lettered messages. */
export const deadLetterCodes = [
  'invalid-json',
  'not-a-cloudevent',
  'unknown-type',
  'invalid-data',
  'too-large',
  /** A journey command naming what does not exist (CONTRACT.md §7): unknown role, stage, solution interest, person. */
  'invalid-command',
] as const;
export type DeadLetterCode = (typeof deadLetterCodes)[number];

/**
 * Default of the one size setting (MAX_MESSAGE_BYTES): 8 MiB holds the snapshot of a group of about 25,000 members.
 * A larger group's version is parked by the outbox relay (logged and counted), never sent half-way.
 */
export const defaultMaxMessageBytes = 8 * 1024 * 1024;
