import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Producer } from 'kafkajs';
import {
  Topics,
  buyingGroupId,
  deadLetterTopic,
  groupMembershipChangedSchema,
  internalEventTypes,
  roleSlotSchema,
  type BuyingGroupChanged,
  type GroupMembershipChanged,
} from '@bg/contracts';
import { encodeEvent } from '@bg/kafka';
import { createLogger, loadConfig, type RunningWorker } from '@bg/service-kit';
import { connectTestProducer, createTestContext, TopicProbe, type TestContext } from '@bg/testing';
import { scoringConfigSchema } from '../../src/config';
import { startScoring } from '../../src/app';

// This file feeds a membership change that skips a version on purpose: its dead letter is asserted below.
let ctx: TestContext;
let service: RunningWorker;
let producer: Producer;
let changes: TopicProbe;
let deadLetters: TopicProbe;

const t = (topic: string) => `${ctx.topicPrefix}${topic}`;
const slots = [
  roleSlotSchema.parse({ role: 'Decision Maker', required: true, conditions: { field: 'jobTitle', op: 'exists' } }),
];

function change(solutionInterestId: string, membershipVersion: number): GroupMembershipChanged {
  return groupMembershipChangedSchema.parse({
    buyingGroupId: buyingGroupId(solutionInterestId, 'acc-gap'),
    accountId: 'acc-gap',
    solutionInterestId,
    name: `${solutionInterestId} for acc-gap`,
    status: 'active',
    membershipVersion,
    slots,
    members: { upserted: [], removed: [] },
    removedMembers: { upserted: [], cleared: [] },
    cause: { eventId: `crm-${solutionInterestId}-${membershipVersion}`, eventType: 'person.upserted' },
  });
}
async function send(...list: GroupMembershipChanged[]) {
  await producer.send({
    topic: t(Topics.membershipChanges),
    messages: list.map((data) => {
      const { key, value, headers } = encodeEvent(internalEventTypes.groupMembershipChanged, {
        id: `${data.buyingGroupId}:m${data.membershipVersion}`,
        key: data.accountId,
        source: 'bg/role-assignment',
        data,
      });
      return { key, value, headers };
    }),
  });
}
const versionsOf = (groupId: string) =>
  changes.values<{ data: BuyingGroupChanged }>().filter((e) => e.data.buyingGroupId === groupId);

beforeAll(async () => {
  ctx = await createTestContext({ allowInternalDeadLetters: true });
  producer = await connectTestProducer(ctx.kafka);
  changes = await new TopicProbe(ctx.kafka, t(Topics.buyingGroupChanges)).start();
  deadLetters = await new TopicProbe(ctx.kafka, t(deadLetterTopic(Topics.membershipChanges))).start();
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
  await Promise.all([changes?.stop(), deadLetters?.stop(), producer?.disconnect()]);
});

describe('scoring, given a membership change that skips a version', () => {
  it('dead-letters that change alone, naming the group and the versions, and goes on with the others', async () => {
    const first = change('si-a', 1);
    await send(first);
    await changes.waitFor(() => versionsOf(first.buyingGroupId).length === 1);

    const skipping = change('si-a', 3);
    const other = change('si-b', 1);
    await send(skipping, other);
    await changes.waitFor(() => versionsOf(other.buyingGroupId).length === 1);
    await deadLetters.waitFor((messages) => messages.length === 1);

    const [dead] = deadLetters.messages;
    expect(dead!.headers).toMatchObject({
      'x-error-code': 'invalid-data',
      'x-source-topic': Topics.membershipChanges,
    });
    expect(dead!.headers['x-error-message']).toContain(
      `membership version 3 of group ${first.buyingGroupId} does not follow the stored version 1: version 2 is missing`,
    );
    expect((dead!.json() as { data: GroupMembershipChanged }).data).toEqual(skipping);
    expect(versionsOf(first.buyingGroupId)).toHaveLength(1);
    expect(deadLetters.messages).toHaveLength(1);
  });
});
