import type { Producer } from 'kafkajs';
import { Topics, internalEventTypes, type GroupRecomputed, type SolutionInterestDefined } from '@bg/contracts';
import { createLogger, loadConfig, type RunningWorker } from '@bg/service-kit';
import { connectTestProducer, createTestContext, crmEvent, TopicProbe, type TestContext } from '@bg/testing';
import { ingestionConfigSchema } from '../../../ingestion/src/config';
import { startIngestion } from '../../../ingestion/src/app';
import { roleAssignmentConfigSchema } from '../../src/config';
import { startRoleAssignment } from '../../src/app';

/**
 * Ingestion + role-assignment on a real broker and database, driven through the CRM topics as a CRM would, with a
 * probe on the group-recomputed topic. (Tests may start a neighbouring service; production code never imports one.)
 */
export async function startPipeline(extraEnv: Record<string, string> = {}) {
  const ctx: TestContext = await createTestContext();
  const logger = createLogger('test', ctx.env.LOG_LEVEL!);
  const fail = (error: unknown) => {
    throw error;
  };
  const services: RunningWorker[] = [
    await startIngestion(loadConfig(ingestionConfigSchema, ctx.env), logger, fail),
    await startRoleAssignment(loadConfig(roleAssignmentConfigSchema, { ...ctx.env, ...extraEnv }), logger, fail),
  ];
  const producer: Producer = await connectTestProducer(ctx.kafka);
  const groups = await new TopicProbe(ctx.kafka, `${ctx.topicPrefix}${Topics.groupRecomputed}`).start();
  const topic = (name: string) => `${ctx.topicPrefix}${name}`;
  return {
    ctx,
    producer,
    groups,
    services,
    async send(name: string, messages: { key: string; type: string; data: unknown; id?: string }[]) {
      await producer.send({ topic: topic(name), messages: messages.map((m) => ({ key: m.key, value: crmEvent(m.type, m.data, m.id) })) });
    },
    async defineSolutionInterest(definition: SolutionInterestDefined) {
      await producer.send({
        topic: topic(Topics.components),
        messages: [{ key: definition.solutionInterestId, value: crmEvent(internalEventTypes.solutionInterestDefined, definition, undefined, 'bg/api') }],
      });
    },
    /** Every recomputed version seen so far, in arrival order. */
    versions(): GroupRecomputed[] {
      return groups.values<{ data: GroupRecomputed }>().map((e) => e.data);
    },
    /** The latest version of each group seen so far. */
    latest(): Map<string, GroupRecomputed> {
      const byGroup = new Map<string, GroupRecomputed>();
      for (const v of this.versions()) {
        const seen = byGroup.get(v.buyingGroupId);
        if (!seen || seen.membershipVersion < v.membershipVersion) byGroup.set(v.buyingGroupId, v);
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

export const slotsDevTools: SolutionInterestDefined['template']['slots'] = [
  { role: 'Decision Maker', weight: 100, required: true, minMembers: 1, maxMembers: null, conditions: { field: 'jobTitle', op: 'containsAny', value: ['CMO', 'Chief Marketing'] } },
  { role: 'Influencer', weight: 80, required: true, minMembers: 1, maxMembers: null, conditions: { field: 'jobTitle', op: 'hasAnyWord', value: ['VP', 'Director'] } },
  { role: 'Practitioner', weight: 60, required: false, minMembers: 1, maxMembers: 2, conditions: { field: 'jobTitle', op: 'contains', value: 'engineer' } },
];

export function solutionInterestDefinition(overrides: Partial<SolutionInterestDefined> = {}): SolutionInterestDefined {
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
