import type { Producer } from 'kafkajs';
import {
  Topics,
  internalEventTypes,
  type GroupMembershipChanged,
  type RoleSlot,
  type SolutionInterestDefined,
} from '@bg/contracts';
import { applyMembershipDelta, type Membership } from '@bg/rules';
import { createLogger, loadConfig, type RunningWorker } from '@bg/service-kit';
import { connectTestProducer, createTestContext, crmEvent, TopicProbe, type TestContext } from '@bg/testing';
import { ingestionConfigSchema } from '../../../ingestion/src/config';
import { startIngestion } from '../../../ingestion/src/app';
import { roleAssignmentConfigSchema } from '../../src/config';
import { startRoleAssignment } from '../../src/app';

/**
 * Ingestion + role-assignment on a real broker and database, driven through the CRM topics as a CRM would, with a
 * probe on the membership-changes topic. (Tests may start a neighbouring service; production code never imports one.)
 */
export async function startPipeline(extraEnv: Record<string, string> = {}, now?: () => string) {
  const ctx: TestContext = await createTestContext();
  const logger = createLogger('test', ctx.env.LOG_LEVEL!);
  const fail = (error: unknown) => {
    throw error;
  };
  const services: RunningWorker[] = [
    await startIngestion(loadConfig(ingestionConfigSchema, ctx.env), logger, fail),
    await startRoleAssignment(loadConfig(roleAssignmentConfigSchema, { ...ctx.env, ...extraEnv }), logger, fail, now),
  ];
  const producer: Producer = await connectTestProducer(ctx.kafka);
  const groups = await new TopicProbe(ctx.kafka, `${ctx.topicPrefix}${Topics.membershipChanges}`).start();
  let revision = 0;
  const topic = (name: string) => `${ctx.topicPrefix}${name}`;
  return {
    ctx,
    producer,
    groups,
    services,
    async send(name: string, messages: { key: string; type: string; data: unknown; id?: string }[]) {
      await producer.send({
        topic: topic(name),
        messages: messages.map((m) => ({ key: m.key, value: crmEvent(m.type, m.data, m.id) })),
      });
    },
    /** Defines (or redefines) a solution interest as the API would: each definition with the next revision. */
    async defineSolutionInterest(definition: Omit<SolutionInterestDefined, 'revision'>) {
      const data: SolutionInterestDefined = { ...definition, revision: ++revision };
      await producer.send({
        topic: topic(Topics.components),
        messages: [
          {
            key: definition.solutionInterestId,
            value: crmEvent(internalEventTypes.solutionInterestDefined, data, undefined, 'bg/api'),
          },
        ],
      });
    },
    /** Every membership change seen so far, in arrival order. */
    versions(): GroupMembershipChanged[] {
      return groups
        .values<{ type: string; data: GroupMembershipChanged }>()
        .filter((e) => e.type === internalEventTypes.groupMembershipChanged)
        .map((e) => e.data);
    },
    /** Each group as its changes so far add up to (applied in version order, duplicates once). */
    latest(): Map<string, GroupView> {
      const byGroup = new Map<string, GroupView>();
      const ordered = [...this.versions()].sort((a, b) => a.membershipVersion - b.membershipVersion);
      for (const v of ordered) {
        const seen = byGroup.get(v.buyingGroupId);
        if (seen && seen.membershipVersion >= v.membershipVersion) continue;
        const membership = applyMembershipDelta(seen ?? { members: [], removedMembers: [] }, v);
        byGroup.set(v.buyingGroupId, { ...v, ...membership, slots: v.slots ?? seen?.slots ?? [] });
      }
      return byGroup;
    },
    async stop() {
      for (const service of services.reverse()) await service.stop();
      await groups.stop();
      await producer.disconnect();
    },
  };
}

export type Pipeline = Awaited<ReturnType<typeof startPipeline>>;

/** A group as the changes seen so far add up to. */
export type GroupView = Omit<GroupMembershipChanged, 'members' | 'removedMembers' | 'slots'> &
  Membership & { slots: RoleSlot[] };

export const slotsDevTools: SolutionInterestDefined['template']['slots'] = [
  {
    role: 'Decision Maker',
    weight: 100,
    required: true,
    minMembers: 1,
    maxMembers: null,
    conditions: { field: 'jobTitle', op: 'containsAny', value: ['CMO', 'Chief Marketing'] },
  },
  {
    role: 'Influencer',
    weight: 80,
    required: true,
    minMembers: 1,
    maxMembers: null,
    conditions: { field: 'jobTitle', op: 'hasAnyWord', value: ['VP', 'Director'] },
  },
  {
    role: 'Practitioner',
    weight: 60,
    required: false,
    minMembers: 1,
    maxMembers: 2,
    conditions: { field: 'jobTitle', op: 'contains', value: 'engineer' },
  },
];

export function solutionInterestDefinition(
  overrides: Partial<SolutionInterestDefined> = {},
): Omit<SolutionInterestDefined, 'revision'> {
  return {
    solutionInterestId: 'si-x',
    name: 'Product X',
    memberScope: 'account',
    template: { id: 'rt-1', version: 1, name: 'Dev tools', slots: slotsDevTools },
    audience: { id: 'aud-1', name: 'Big accounts', conditions: { field: 'annualRevenue', op: 'gt', value: 1_000_000 } },
    definedAt: new Date().toISOString(),
    ...overrides,
  };
}
