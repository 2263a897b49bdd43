import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Producer } from 'kafkajs';
import {
  Topics,
  buyingGroupId,
  internalEventTypes,
  roleSlotSchema,
  type BuyingGroupChanged,
  type GroupExplicitSet,
  type GroupMember,
  type GroupMembershipChanged,
} from '@bg/contracts';
import { encodeEvent } from '@bg/kafka';
import { createLogger, loadConfig, type RunningWorker } from '@bg/service-kit';
import { connectTestProducer, createTestContext, TopicProbe, type TestContext } from '@bg/testing';
import { scoringConfigSchema } from '../../src/config';
import { startScoring } from '../../src/app';

let ctx: TestContext;
let service: RunningWorker;
let producer: Producer;
let changes: TopicProbe;

const t = (topic: string) => `${ctx.topicPrefix}${topic}`;
const slots = [
  roleSlotSchema.parse({ role: 'Decision Maker', required: true, conditions: { field: 'jobTitle', op: 'exists' } }),
  roleSlotSchema.parse({ role: 'Influencer', required: true, conditions: { field: 'jobTitle', op: 'exists' } }),
];
const stageModel = {
  id: 'sm-1',
  name: 'Funnel',
  stages: [
    { name: 'Awareness' },
    { name: 'Evaluation', when: { field: 'completeness', op: 'gte' as const, value: 50 } },
    { name: 'Decision', when: { field: 'missingRoleCount', op: 'eq' as const, value: 0 } },
  ],
};
const member = (personId: string, role: string, slot: number): GroupMember => ({
  personId,
  role,
  source: 'rule',
  since: '2026-11-01T00:00:00.000Z',
  reason: { slot, matched: [] },
});

const versions = new Map<string, number>();
/** Role-assignment's next membership change of the group at `accountId`: these members join. */
async function join(accountId: string, members: GroupMember[], first = false) {
  const id = buyingGroupId('si-x', accountId);
  const membershipVersion = (versions.get(id) ?? 0) + 1;
  versions.set(id, membershipVersion);
  const data: GroupMembershipChanged = {
    buyingGroupId: id,
    accountId,
    solutionInterestId: 'si-x',
    name: `Product X for ${accountId}`,
    status: 'active',
    membershipVersion,
    ...(first ? { slots, stageModel } : {}),
    members: { upserted: members, removed: [] },
    removedMembers: { upserted: [], cleared: [] },
    cause: { eventId: `crm-${accountId}-${membershipVersion}`, eventType: 'person.upserted' },
  };
  await send(
    encodeEvent(internalEventTypes.groupMembershipChanged, {
      id: `${id}:m${membershipVersion}`,
      key: accountId,
      source: 'bg/role-assignment',
      data,
    }),
  );
}
/** An explicit stage/status as role-assignment forwards it; the same `eventId` and time make a redelivery. */
function explicit(accountId: string, set: Partial<GroupExplicitSet> & { eventId: string; requestedAt: string }) {
  const { eventId, ...rest } = set;
  const id = buyingGroupId('si-x', accountId);
  return encodeEvent(internalEventTypes.groupExplicitSet, {
    id: `${id}:${eventId}`,
    key: accountId,
    source: 'bg/role-assignment',
    data: {
      buyingGroupId: id,
      accountId,
      solutionInterestId: 'si-x',
      source: 'journey',
      cause: { eventId, eventType: 'buying-group.stage.set', source: 'journey/test' },
      ...rest,
    },
  });
}
const send = (message: { key: string; value: string; headers: Record<string, string> }) =>
  producer.send({ topic: t(Topics.membershipChanges), messages: [message] });

const versionsOf = (accountId: string): BuyingGroupChanged[] =>
  changes
    .values<{ data: BuyingGroupChanged }>()
    .map((m) => m.data)
    .filter((v) => v.accountId === accountId);
const waitFor = (accountId: string, predicate: (v: BuyingGroupChanged) => boolean) =>
  changes.waitFor(() => versionsOf(accountId).some(predicate));
const byCause = (accountId: string, eventId: string) => versionsOf(accountId).find((v) => v.cause.eventId === eventId);

beforeAll(async () => {
  ctx = await createTestContext();
  producer = await connectTestProducer(ctx.kafka);
  changes = await new TopicProbe(ctx.kafka, t(Topics.buyingGroupChanges)).start();
  service = await startScoring(
    loadConfig(scoringConfigSchema, ctx.env),
    createLogger('scoring', ctx.env.LOG_LEVEL!),
    (error) => {
      throw error;
    },
  );
});

afterAll(async () => {
  await service?.stop();
  await Promise.all([changes?.stop(), producer?.disconnect()]);
});

describe('stages', () => {
  it('moves a group forward by rule when its completeness crosses a threshold', async () => {
    await join('acc-1', [], true);
    await waitFor('acc-1', (v) => v.version === 1);
    expect(versionsOf('acc-1')[0]).toMatchObject({
      stage: { model: 'sm-1', name: 'Awareness', index: 0, source: 'rule' },
      journeyStatus: null,
    });
    expect(versionsOf('acc-1')[0]!.changes).toContainEqual({
      kind: 'stage.changed',
      from: null,
      to: 'Awareness',
      source: 'rule',
    });

    await join('acc-1', [member('ana', 'Decision Maker', 0)]);
    await waitFor('acc-1', (v) => v.version === 2);
    const v2 = versionsOf('acc-1')[1]!;
    expect(v2.completeness.score).toBe(50);
    expect(v2.stage).toMatchObject({ name: 'Evaluation', index: 1, source: 'rule' });
    expect(v2.changes).toContainEqual({ kind: 'stage.changed', from: 'Awareness', to: 'Evaluation', source: 'rule' });
  });

  it('keeps an explicit stage over the rule until it is handed back with null', async () => {
    await join('acc-2', [member('ana', 'Decision Maker', 0)], true);
    await waitFor('acc-2', (v) => v.stage?.name === 'Evaluation');

    await send(explicit('acc-2', { eventId: 'set-1', stage: 'Awareness', requestedAt: '2026-11-26T10:00:00.000Z' }));
    await waitFor('acc-2', (v) => v.cause.eventId === 'set-1');
    expect(byCause('acc-2', 'set-1')!.stage).toMatchObject({ name: 'Awareness', source: 'journey' });
    expect(byCause('acc-2', 'set-1')!.changes).toEqual([
      { kind: 'stage.changed', from: 'Evaluation', to: 'Awareness', source: 'journey' },
    ]);

    // Every role filled would put it in Decision by rule: the journey's stage stands.
    await join('acc-2', [member('ben', 'Influencer', 1)]);
    await waitFor('acc-2', (v) => v.completeness.score === 100);
    expect(versionsOf('acc-2').at(-1)!.stage).toMatchObject({ name: 'Awareness', source: 'journey' });

    await send(explicit('acc-2', { eventId: 'set-2', stage: null, requestedAt: '2026-11-26T10:01:00.000Z' }));
    await waitFor('acc-2', (v) => v.cause.eventId === 'set-2');
    expect(byCause('acc-2', 'set-2')!.stage).toMatchObject({ name: 'Decision', index: 2, source: 'rule' });
  });

  it('shows a journey status with journey-status.changed, and a redelivered set changes nothing', async () => {
    await join('acc-3', [], true);
    await waitFor('acc-3', (v) => v.version === 1);
    const set = explicit('acc-3', {
      eventId: 'status-1',
      journeyStatus: 'nurture',
      requestedAt: '2026-11-26T10:00:00.000Z',
    });
    await send(set);
    await waitFor('acc-3', (v) => v.cause.eventId === 'status-1');
    const v2 = byCause('acc-3', 'status-1')!;
    expect(v2).toMatchObject({ version: 2, journeyStatus: 'nurture' });
    expect(v2.changes).toEqual([{ kind: 'journey-status.changed', from: null, to: 'nurture' }]);

    // The same set again, then a membership change behind it on the same partition: only the latter is a version.
    await send(set);
    await join('acc-3', [member('ana', 'Decision Maker', 0)]);
    await waitFor('acc-3', (v) => v.members.length === 1);
    expect(versionsOf('acc-3').map((v) => v.version)).toEqual([1, 2, 3]);
    expect(versionsOf('acc-3').at(-1)!.journeyStatus).toBe('nurture');
  });
});
