import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Topics,
  buyingGroupId,
  deadLetterTopic,
  internalEventTypes,
  journeyCommandTypes,
  type GroupExplicitSet,
  type MemberCommand,
} from '@bg/contracts';
import { accountRecord, crmEvent, personRecord, TopicProbe } from '@bg/testing';
import { solutionInterestDefinition, startPipeline, type Pipeline } from './pipeline';

let p: Pipeline;
let dlq: TopicProbe;
const at = (minute: number) => `2026-11-26T10:${String(minute).padStart(2, '0')}:00Z`;
const group = buyingGroupId('si-x', 'acme');

const account = (accountId: string) =>
  accountRecord(accountId, {
    name: `Name ${accountId}`,
    annualRevenue: 5_000_000,
    parentAccountId: null,
    updatedAt: at(0),
  });
const person = (personId: string, jobTitle: string, accountIds: string[], updatedAt: string) =>
  personRecord(personId, accountIds, { jobTitle, updatedAt });
const upsertPerson = (x: ReturnType<typeof person>) =>
  p.send(Topics.crmPersons, [{ key: x.personId, type: 'person.upserted', data: x }]);

/** Publishes a journey command as a journey system would; returns its CloudEvent id. */
async function journey(type: string, data: Record<string, unknown>, id = `cmd-${Math.random().toString(36).slice(2)}`) {
  await p.producer.send({
    topic: `${p.ctx.topicPrefix}${Topics.journeyCommands}`,
    messages: [{ key: String(data.accountId), value: remember(id, crmEvent(type, data, id, 'journey/test')) }],
  });
  return id;
}
const memberOf = (personId: string) =>
  p
    .latest()
    .get(group)
    ?.members.find((m) => m.personId === personId);
const waitFor = (predicate: () => boolean) => p.groups.waitFor(predicate);

beforeAll(async () => {
  p = await startPipeline();
  dlq = await new TopicProbe(p.ctx.kafka, `${p.ctx.topicPrefix}${deadLetterTopic(Topics.journeyCommands)}`).start();
  await p.defineSolutionInterest(
    solutionInterestDefinition({
      stageModel: { id: 'sm-1', name: 'Funnel', stages: [{ name: 'Awareness' }, { name: 'Evaluation' }] },
    }),
  );
  await p.send(Topics.crmAccounts, [{ key: 'acme', type: 'account.upserted', data: account('acme') }]);
  await upsertPerson(person('ana', 'Accountant', ['acme'], at(1)));
  await upsertPerson(person('bo', 'Chief Marketing Officer', ['acme'], at(1)));
  await waitFor(() => memberOf('bo') !== undefined);
});

afterAll(async () => {
  await dlq?.stop();
  await p?.stop();
});

describe('journey commands', () => {
  it('assigns a member with source journey that a rule recomputation keeps and a manual removal ends', async () => {
    const id = await journey(journeyCommandTypes.memberAssign, {
      accountId: 'acme',
      solutionInterestId: 'si-x',
      personId: 'ana',
      role: 'Influencer',
      journeyId: 'j-1',
    });
    await waitFor(() => memberOf('ana')?.source === 'journey');
    expect(memberOf('ana')).toMatchObject({ role: 'Influencer', source: 'journey' });
    expect(p.versions().find((v) => v.cause.eventId === id)?.cause).toEqual({
      eventId: id,
      eventType: journeyCommandTypes.memberAssign,
      source: 'journey/test',
    });

    // A CRM change of the person recomputes her by the rules (she matches none): the journey's assignment stands.
    await p.send(Topics.crmPersons, [
      { key: 'ana', type: 'person.upserted', data: person('ana', 'Senior Accountant', ['acme'], at(2)) },
    ]);
    const removal: MemberCommand = {
      accountId: 'acme',
      solutionInterestId: 'si-x',
      personId: 'ana',
      action: 'remove',
      role: null,
      source: 'manual',
      requestedAt: new Date().toISOString(),
      cause: { eventId: 'op-remove-ana', eventType: 'operator.member.removed' },
    };
    await p.producer.send({
      topic: `${p.ctx.topicPrefix}${Topics.memberCommands}`,
      messages: [{ key: 'acme', value: crmEvent(internalEventTypes.memberCommand, removal) }],
    });
    await waitFor(
      () =>
        p
          .latest()
          .get(group)
          ?.removedMembers.some((r) => r.personId === 'ana') ?? false,
    );
    expect(memberOf('ana')).toBeUndefined();
    // The person's change came before the removal and changed nothing: the only version after the assignment is it.
    expect(p.versions().filter((v) => v.members.upserted.some((m) => m.personId === 'ana'))).toHaveLength(1);
  });

  it('gives a redelivered command no further effect', async () => {
    const data = {
      accountId: 'acme',
      solutionInterestId: 'si-x',
      personId: 'bo',
      role: 'Influencer',
      journeyId: 'j-2',
    };
    const id = await journey(journeyCommandTypes.memberAssign, data);
    await waitFor(() => memberOf('bo')?.source === 'journey');
    const remove = await journey(journeyCommandTypes.memberRemove, { ...data, role: undefined });
    await waitFor(() => p.versions().some((v) => v.cause.eventId === remove));
    expect(memberOf('bo')).toBeUndefined();
    const before = p.versions().length;

    // The same command (same bytes: id and time) again, then a marker that comes after it on the partition.
    await p.producer.send({
      topic: `${p.ctx.topicPrefix}${Topics.journeyCommands}`,
      messages: [{ key: 'acme', value: sentValues.get(id)! }],
    });
    const marker = await journey(journeyCommandTypes.statusSet, {
      accountId: 'acme',
      solutionInterestId: 'si-x',
      status: 'nurture',
      journeyId: 'j-2',
    });
    await waitFor(() => p.groups.values<{ data: GroupExplicitSet }>().some((e) => e.data.cause?.eventId === marker));
    expect(p.versions().length).toBe(before);
    expect(memberOf('bo')).toBeUndefined();
  });

  it('dead-letters an invalid command and one naming what does not exist, with the reason', async () => {
    await p.producer.send({
      topic: `${p.ctx.topicPrefix}${Topics.journeyCommands}`,
      messages: [
        {
          key: 'acme',
          value: crmEvent(journeyCommandTypes.memberAssign, { accountId: 'acme' }, 'bad-1', 'journey/test'),
        },
      ],
    });
    const cases: [string, Record<string, unknown>, string][] = [
      [journeyCommandTypes.memberAssign, { personId: 'ana', role: 'Boss' }, "unknown role 'Boss'"],
      [journeyCommandTypes.memberAssign, { personId: 'ghost', role: 'Influencer' }, "person 'ghost' is not linked"],
      [journeyCommandTypes.stageSet, { stage: 'Closing' }, "unknown stage 'Closing'"],
      [
        journeyCommandTypes.statusSet,
        { solutionInterestId: 'si-none', status: 'x' },
        "unknown solution interest 'si-none'",
      ],
      [
        journeyCommandTypes.stageSet,
        { accountId: 'elsewhere', stage: 'Awareness' },
        "no active buying group of solution interest 'si-x' at account 'elsewhere'",
      ],
    ];
    const ids: string[] = [];
    for (const [type, data] of cases)
      ids.push(await journey(type, { accountId: 'acme', solutionInterestId: 'si-x', journeyId: 'j-3', ...data }));
    await dlq.waitFor((messages) => messages.length >= 1 + cases.length);
    const byId = new Map(dlq.messages.map((m) => [(m.json() as { id: string }).id, m]));
    expect(byId.get('bad-1')?.headers).toMatchObject({
      'x-error-code': 'invalid-data',
      'x-source-topic': Topics.journeyCommands,
    });
    expect(byId.get('bad-1')?.headers['x-error-message']).toContain('solutionInterestId');
    cases.forEach(([, data, reason], i) => {
      const letter = byId.get(ids[i]!)!;
      expect(letter.headers).toMatchObject({
        'x-error-code': 'invalid-command',
        'x-source-topic': Topics.journeyCommands,
      });
      expect(letter.headers['x-error-message']).toContain(reason);
      expect(letter.key).toBe(data.accountId ?? 'acme');
    });
    // Counted like the consumer's own dead letters, once committed.
    const [, roleAssignment] = p.services;
    const counted = async (code: string) =>
      (await roleAssignment!.metrics.getSingleMetric('bg_dead_letters_total')!.get()).values.find(
        (v) => v.labels.topic === Topics.journeyCommands && v.labels.code === code,
      )?.value;
    await expect.poll(() => counted('invalid-command')).toBe(cases.length);
    expect(await counted('invalid-data')).toBe(1);
  });
});

/** What each command was sent as, byte for byte, for a redelivery. */
const sentValues = new Map<string, string>();
function remember(id: string, value: string): string {
  sentValues.set(id, value);
  return value;
}
