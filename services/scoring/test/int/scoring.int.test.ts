import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import pg from 'pg';
import type { Producer } from 'kafkajs';
import {
  Topics,
  buyingGroupChangedSchema,
  buyingGroupId,
  deadLetterTopic,
  groupMembershipChangedSchema,
  internalEventTypes,
  roleGapSchema,
  roleSlotSchema,
  type ActivityRecorded,
  type BuyingGroupChanged,
  type GroupMember,
  type GroupMembershipChanged,
  type PersonEngagementChanged,
  type RemovedMember,
  type RoleGap,
  type RoleSlot,
} from '@bg/contracts';
import { encodeEvent } from '@bg/kafka';
import { membershipDelta, type Membership } from '@bg/rules';
import { createLogger, loadConfig, type RunningWorker } from '@bg/service-kit';
import { connectTestProducer, createTestContext, TopicProbe, type TestContext } from '@bg/testing';
import { scoringConfigSchema } from '../../src/config';
import { startScoring } from '../../src/app';

let ctx: TestContext;
let service: RunningWorker;
let producer: Producer;
let changes: TopicProbe;
let roleEvents: TopicProbe;
let recordChangesDlq: TopicProbe;
let engagementEvents: TopicProbe;
let db: pg.Pool;

const day = 86_400_000;
/** The service's clock: scores, windows and decay are computed at this instant, moved by hand. */
let clock = new Date('2026-11-26T12:00:00.000Z');
const at = (offsetMs: number) => new Date(clock.getTime() + offsetMs).toISOString();

const t = (topic: string) => `${ctx.topicPrefix}${topic}`;
const start = (env: Record<string, string> = {}) =>
  startScoring(
    loadConfig(scoringConfigSchema, { ...ctx.env, RESCORE_INTERVAL_MS: '100', ...env }),
    createLogger('scoring', ctx.env.LOG_LEVEL!),
    (error) => {
      throw error;
    },
    { now: () => clock },
  );

const slot = (role: string, options: Partial<Pick<RoleSlot, 'required' | 'minMembers' | 'weight'>> = {}): RoleSlot =>
  roleSlotSchema.parse({ role, conditions: { field: 'jobTitle', op: 'exists' }, ...options });
const member = (personId: string, role: string, slotIndex: number): GroupMember => ({
  personId,
  role,
  source: 'rule',
  since: '2026-11-01T00:00:00.000Z',
  reason: { slot: slotIndex, matched: [] },
});

/** What this test last sent for each group, as role-assignment keeps it: the deltas are computed against it. */
const sent = new Map<string, { membershipVersion: number; membership: Membership; slots: RoleSlot[] }>();

/**
 * The next membership change of the group of (solution interest, accountId), as role-assignment would send it: "the
 * group now has these members" as a delta against what was sent before, slots only when they changed.
 */
function changeTo(
  accountId: string,
  slots: RoleSlot[],
  members: GroupMember[],
  extra: {
    removedMembers?: RemovedMember[];
    solutionInterestId?: string;
    cause?: GroupMembershipChanged['cause'];
    status?: GroupMembershipChanged['status'];
    memberScope?: GroupMembershipChanged['memberScope'];
  } = {},
): GroupMembershipChanged {
  const solutionInterestId = extra.solutionInterestId ?? 'si-x';
  const id = buyingGroupId(solutionInterestId, accountId);
  const before = sent.get(id);
  const membership = { members, removedMembers: extra.removedMembers ?? [] };
  const membershipVersion = (before?.membershipVersion ?? 0) + 1;
  sent.set(id, { membershipVersion, membership, slots });
  return groupMembershipChangedSchema.parse({
    buyingGroupId: id,
    accountId,
    solutionInterestId,
    name: `Product X for ${accountId}`,
    status: extra.status ?? 'active',
    membershipVersion,
    ...(extra.memberScope ? { memberScope: extra.memberScope } : {}),
    ...(isDeepStrictEqual(before?.slots, slots) ? {} : { slots }),
    ...membershipDelta(before?.membership ?? { members: [], removedMembers: [] }, membership),
    cause: extra.cause ?? { eventId: `crm-${accountId}-${membershipVersion}`, eventType: 'person.upserted' },
  });
}

/** A message of `bg.group.membership-changed`, with role-assignment's id: a re-send carries the same one. */
function membershipMessage(change: GroupMembershipChanged) {
  const { key, value, headers } = encodeEvent(internalEventTypes.groupMembershipChanged, {
    id: `${change.buyingGroupId}:m${change.membershipVersion}`,
    key: change.accountId,
    source: 'bg/role-assignment',
    subject: change.buyingGroupId,
    data: change,
  });
  return { key, value, headers };
}
async function sendMemberships(...messages: { key: string; value: string; headers: Record<string, string> }[]) {
  await producer.send({ topic: t(Topics.membershipChanges), messages });
}
const sendChanges = (...changeList: GroupMembershipChanged[]) => sendMemberships(...changeList.map(membershipMessage));

/** A group of another solution interest at the same account (same key, same partition): once it is out, everything sent before it was applied. */
async function sendMarkerAndWait(accountId: string) {
  const marker = changeTo(accountId, [slot('Champion')], [], { solutionInterestId: `si-marker-${sent.size}` });
  await sendChanges(marker);
  await waitForVersion(marker.buyingGroupId, (v) => v.version === 1, 60_000);
}

const activity = (
  activityId: string,
  accountId: string,
  personId: string,
  activityType: ActivityRecorded['activityType'],
  occurredAt: string,
): ActivityRecorded => ({
  activityId,
  accountId,
  personId,
  activityType,
  occurredAt,
  attributes: {},
});
/**
 * bg.activity.accepted as ingestion writes it; `eventId` lets a test redeliver an activity under a new event, `source`
 * names the CRM that sent it.
 */
function activityMessage(a: ActivityRecorded, eventId = `crm-${a.activityId}`, source = 'crm/test') {
  const { key, value, headers } = encodeEvent(internalEventTypes.activityAccepted, {
    id: `${eventId}/${a.accountId}`,
    key: a.accountId,
    source: 'bg/ingestion',
    data: { activity: a, cause: { eventId, eventType: 'activity.recorded', source } },
  });
  return { key, value, headers };
}
async function sendRecordChanges(...messages: { key: string; value: string; headers?: Record<string, string> }[]) {
  await producer.send({ topic: t(Topics.recordChanges), messages });
}

type Published = { id: string; type: string; source: string; key: string | null; data: BuyingGroupChanged };
/** Every version of a group received on the public topic, in the order received (one key, one partition). */
/** Every copy the topic holds of a group's versions, in topic order (a producer's retry may write one twice). */
const copiesOf = (groupId: string): Published[] =>
  changes.messages
    .map((m) => ({ ...(m.json() as Omit<Published, 'key'>), key: m.key }))
    .filter((p) => p.data.buyingGroupId === groupId);
/** A group's versions as a consumer sees them: duplicates dropped by CloudEvent id (CONTRACT §3), first copy kept. */
const versionsOf = (groupId: string): Published[] => {
  const seen = new Set<string>();
  return copiesOf(groupId).filter((p) => !seen.has(p.id) && Boolean(seen.add(p.id)));
};
const latest = (groupId: string) => versionsOf(groupId).at(-1);
const waitForVersion = (groupId: string, predicate: (v: BuyingGroupChanged) => boolean, timeoutMs = 30_000) =>
  changes.waitFor(() => versionsOf(groupId).some((p) => predicate(p.data)), timeoutMs);

type EngagementEvent = { id: string; key: string | null; data: PersonEngagementChanged };
/** The condition scores sent for one person at one account, in the order sent (one key, one partition). */
const scoresSentFor = (accountId: string, personId: string): EngagementEvent[] =>
  engagementEvents.messages
    .map((m) => ({ ...(m.json() as Omit<EngagementEvent, 'key'>), key: m.key }))
    .filter((e) => e.data.accountId === accountId && e.data.personId === personId);

/** bg.account.changed as ingestion writes it: scoring keeps the hierarchy from it. */
function accountMessage(accountId: string, parentAccountId: string | null) {
  const { key, value, headers } = encodeEvent(internalEventTypes.accountChanged, {
    id: `crm-${accountId}/${accountId}`,
    key: accountId,
    source: 'bg/ingestion',
    data: {
      accountId,
      account: {
        accountId,
        name: accountId,
        domain: null,
        parentAccountId,
        industry: null,
        annualRevenue: null,
        employeeCount: null,
        country: null,
        productsOwned: [],
        attributes: {},
        updatedAt: at(-day),
      },
      previousParentAccountId: null,
      changedAt: at(-day),
      cause: { eventId: `crm-${accountId}`, eventType: 'account.upserted' },
    },
  });
  return { key, value, headers };
}

type RoleEvent = { id: string; type: string; data: RoleGap; key: string | null };
const roleEventsOf = (groupId: string): RoleEvent[] =>
  roleEvents.messages
    .map((m) => ({ ...(m.json() as Omit<RoleEvent, 'key'>), key: m.key }))
    .filter((e) => e.data.buyingGroupId === groupId);

/** The stored rows of a group's people, by person: what each row holds and the transaction that last wrote it. */
async function memberRows(groupId: string) {
  const { rows } = await db.query<{
    person_id: string;
    role: string;
    removed: boolean;
    engagement: number | null;
    xmin: string;
  }>(
    'SELECT person_id, role, removed, engagement, xmin::text AS xmin FROM group_members WHERE buying_group_id = $1 ORDER BY person_id',
    [groupId],
  );
  return new Map(rows.map(({ person_id, ...row }) => [person_id, row]));
}

beforeAll(async () => {
  ctx = await createTestContext();
  db = new pg.Pool({ connectionString: ctx.databaseUrl, options: '-c search_path=scoring' });
  producer = await connectTestProducer(ctx.kafka);
  changes = await new TopicProbe(ctx.kafka, t(Topics.buyingGroupChanges)).start();
  roleEvents = await new TopicProbe(ctx.kafka, t(Topics.roleEvents)).start();
  recordChangesDlq = await new TopicProbe(ctx.kafka, t(deadLetterTopic(Topics.recordChanges))).start();
  engagementEvents = await new TopicProbe(ctx.kafka, t(Topics.engagement)).start();
  service = await start();
});

afterAll(async () => {
  await service?.stop();
  await Promise.all([
    changes?.stop(),
    roleEvents?.stop(),
    recordChangesDlq?.stop(),
    engagementEvents?.stop(),
    producer?.disconnect(),
  ]);
  await db?.end();
});

describe('scoring', () => {
  it('publishes version 1 of new groups with the completeness of the worked examples and their missing roles', async () => {
    const oneOfThree = changeTo(
      'acc-c1',
      [
        slot('Decision Maker', { required: true }),
        slot('Influencer', { required: true }),
        slot('Champion', { required: true }),
      ],
      [member('p-1', 'Decision Maker', 0)],
    );
    const fourForThree = changeTo(
      'acc-c2',
      [slot('Practitioner', { required: true, minMembers: 3 })],
      ['p-1', 'p-2', 'p-3', 'p-4'].map((p) => member(p, 'Practitioner', 0)),
    );
    const meanOverRequired = changeTo(
      'acc-c3',
      [
        slot('Decision Maker', { required: true }),
        slot('Influencer', { required: true, minMembers: 2 }),
        slot('Practitioner'),
      ],
      [member('p-1', 'Decision Maker', 0), member('p-2', 'Influencer', 1)],
    );
    const noneRequired = changeTo('acc-c4', [slot('Champion'), slot('Practitioner')], [member('p-1', 'Champion', 0)]);
    await sendChanges(oneOfThree, fourForThree, meanOverRequired, noneRequired);

    const groups = [oneOfThree, fourForThree, meanOverRequired, noneRequired].map((input) => input.buyingGroupId);
    await changes.waitFor(() => groups.every((id) => versionsOf(id).length === 1));
    const firstVersions = groups.map((id) => versionsOf(id)[0]!);
    expect(firstVersions.map((v) => v.data.completeness.score)).toEqual([33, 100, 75, 50]);
    const [v1c1, v1c2, v1c3] = firstVersions as [Published, Published, Published];
    expect(v1c3.data.completeness.slots).toEqual([
      { role: 'Decision Maker', required: true, assigned: 1, minMembers: 1, score: 100 },
      { role: 'Influencer', required: true, assigned: 1, minMembers: 2, score: 50 },
      { role: 'Practitioner', required: false, assigned: 0, minMembers: 1, score: 0 },
    ]);
    expect(v1c2.data.completeness.slots[0]).toMatchObject({ assigned: 4, minMembers: 3, score: 100 });

    expect(v1c1).toMatchObject({
      id: `${oneOfThree.buyingGroupId}:1`,
      type: 'buying-group.changed',
      source: 'bg/scoring',
      key: 'acc-c1',
    });
    expect(buyingGroupChangedSchema.parse(v1c1.data)).toEqual(v1c1.data);
    expect(v1c1.data).toMatchObject({ version: 1, status: 'active', missingRoles: ['Influencer', 'Champion'] });
    expect(v1c1.data.changes).toEqual([
      { kind: 'group.created' },
      { kind: 'member.added', personId: 'p-1', role: 'Decision Maker', source: 'rule' },
      { kind: 'role.missing', role: 'Influencer' },
      { kind: 'role.missing', role: 'Champion' },
      { kind: 'completeness.changed', from: 0, to: 33 },
    ]);
    expect(v1c1.data.cause).toEqual(oneOfThree.cause);

    await roleEvents.waitFor(() => roleEventsOf(oneOfThree.buyingGroupId).length === 2);
    const missing = roleEventsOf(oneOfThree.buyingGroupId);
    expect(missing.map((e) => [e.id, e.type, e.key])).toEqual([
      [`${oneOfThree.buyingGroupId}:1:missing:Influencer`, 'bg.role.missing', 'acc-c1'],
      [`${oneOfThree.buyingGroupId}:1:missing:Champion`, 'bg.role.missing', 'acc-c1'],
    ]);
    expect(roleGapSchema.parse(missing[0]!.data)).toMatchObject({
      role: 'Influencer',
      slot: 1,
      assigned: 0,
      cause: oneOfThree.cause,
    });
    expect(roleEventsOf(fourForThree.buyingGroupId)).toEqual([]);
  });

  it('when a person loses the only Decision Maker slot, publishes one version with member.removed, role.missing and completeness.changed, and one role-missing event', async () => {
    const slots = [
      slot('Decision Maker', { required: true, weight: 100 }),
      slot('Influencer', { required: true, weight: 80 }),
    ];
    const ana = member('p-ana', 'Decision Maker', 0);
    const ben = member('p-ben', 'Influencer', 1);
    const before = changeTo('acc-dm', slots, [ana, ben]);
    await sendChanges(before);
    await waitForVersion(before.buyingGroupId, (v) => v.version === 1);

    const removed = { personId: 'p-ana', role: 'Decision Maker', source: 'rule' as const, removedAt: at(0) };
    const lost = changeTo('acc-dm', slots, [ben], {
      removedMembers: [removed],
      cause: { eventId: 'crm-ana-title', eventType: 'person.upserted' },
    });
    // Slots travel only with the first version: the role event's slot definition comes from the stored ones.
    expect(lost).not.toHaveProperty('slots');
    await sendChanges(lost);
    // Applied before the next is sent: two membership versions in one chunk fold into one group version.
    await waitForVersion(before.buyingGroupId, (v) => v.version === 2);
    const filled = changeTo('acc-dm', slots, [ben, member('p-cy', 'Decision Maker', 0)], { removedMembers: [removed] });
    await sendChanges(filled);
    await roleEvents.waitFor(() => roleEventsOf(before.buyingGroupId).some((e) => e.type === 'bg.role.filled'));
    await waitForVersion(before.buyingGroupId, (v) => v.version === 3);

    const versions = versionsOf(before.buyingGroupId);
    expect(versions.map((v) => v.data.version)).toEqual([1, 2, 3]);
    const v2 = versions[1]!.data;
    expect(v2.changes).toEqual([
      { kind: 'member.removed', personId: 'p-ana', role: 'Decision Maker', source: 'rule' },
      { kind: 'role.missing', role: 'Decision Maker' },
      { kind: 'completeness.changed', from: 100, to: 50 },
    ]);
    expect(v2).toMatchObject({
      members: [ben],
      missingRoles: ['Decision Maker'],
      removedMembers: [removed],
      cause: lost.cause,
    });

    const gaps = roleEventsOf(before.buyingGroupId);
    expect(gaps.map((e) => [e.id, e.type])).toEqual([
      [`${before.buyingGroupId}:2:missing:Decision Maker`, 'bg.role.missing'],
      [`${before.buyingGroupId}:3:filled:Decision Maker`, 'bg.role.filled'],
    ]);
    expect(gaps[0]!.data).toMatchObject({
      role: 'Decision Maker',
      slot: 0,
      assigned: 0,
      cause: lost.cause,
      slotDefinition: slots[0],
    });
    expect(gaps[1]!.data).toMatchObject({ role: 'Decision Maker', assigned: 1, slotDefinition: slots[0] });
  });

  it('publishes nothing for a redelivered change or a membership change a reader would not see', async () => {
    const slots = [slot('Decision Maker', { required: true }), slot('Practitioner')];
    const first = changeTo('acc-dup', slots, [member('p-1', 'Decision Maker', 0)]);
    const second = changeTo('acc-dup', slots, [member('p-1', 'Decision Maker', 0), member('p-2', 'Practitioner', 1)]);
    await sendChanges(first, second);
    await waitForVersion(first.buyingGroupId, (v) => v.members.length === 2);

    await sendChanges(first); // redelivered: must not take p-2 away again
    const unchanged = changeTo('acc-dup', slots, [
      member('p-1', 'Decision Maker', 0),
      member('p-2', 'Practitioner', 1),
    ]);
    expect(unchanged.members).toEqual({ upserted: [], removed: [] });
    await sendChanges(unchanged);
    await sendMarkerAndWait('acc-dup');

    const versions = versionsOf(first.buyingGroupId);
    expect(versions.at(-1)!.data).toMatchObject({
      members: sent.get(first.buyingGroupId)!.membership.members,
      cause: second.cause,
    });
    expect(versions.map((v) => v.id).at(-1)).toBe(`${first.buyingGroupId}:${versions.length}`);
    expect(
      versions.every(
        (v) => v.data.cause.eventId !== unchanged.cause.eventId && !v.data.coalesced?.includes(unchanged.cause.eventId),
      ),
    ).toBe(true);
    const stored = await db.query('SELECT membership_version, version FROM groups WHERE buying_group_id = $1', [
      first.buyingGroupId,
    ]);
    expect(stored.rows[0]).toEqual({ membership_version: 3, version: versions.length });
  });

  it('ignores an older change re-sent after newer ones: no version, and the stored members stay those of the newest', async () => {
    const slots = [slot('Decision Maker', { required: true }), slot('Practitioner')];
    const changesSent = [
      changeTo('acc-resend', slots, [member('p-1', 'Decision Maker', 0)]),
      changeTo('acc-resend', slots, [member('p-1', 'Decision Maker', 0), member('p-2', 'Practitioner', 1)]),
      changeTo('acc-resend', slots, [member('p-2', 'Practitioner', 1), member('p-3', 'Practitioner', 1)]),
    ];
    const id = changesSent[0]!.buyingGroupId;
    for (const [i, change] of changesSent.entries()) {
      await sendChanges(change);
      await waitForVersion(id, (v) => v.version === i + 1);
    }
    const published = versionsOf(id).length;
    const rowsBefore = await memberRows(id);

    // The outbox relay re-sends after a crash: the same messages, in order, long after the newer ones were applied.
    await sendChanges(changesSent[0]!, changesSent[1]!);
    await sendMarkerAndWait('acc-resend');

    expect(versionsOf(id)).toHaveLength(published);
    expect(latest(id)!.data.members.map((m) => m.personId)).toEqual(['p-2', 'p-3']);
    expect(await memberRows(id)).toEqual(rowsBefore);
    const stored = await db.query('SELECT membership_version FROM groups WHERE buying_group_id = $1', [id]);
    expect(stored.rows[0].membership_version).toBe(3);
  });

  it('a membership change of one member writes that member’s row alone, not the rows of the members who stay', async () => {
    const slots = [slot('Decision Maker', { required: true }), slot('Influencer'), slot('Practitioner')];
    const others = ['p-a', 'p-b', 'p-c', 'p-d'].map((p) => member(p, 'Practitioner', 2));
    const first = changeTo('acc-rows', slots, [member('p-x', 'Influencer', 1), ...others]);
    await sendChanges(first);
    await waitForVersion(first.buyingGroupId, (v) => v.version === 1);
    const before = await memberRows(first.buyingGroupId);

    const promoted = changeTo('acc-rows', slots, [member('p-x', 'Decision Maker', 0), ...others]);
    expect(promoted.members).toEqual({ upserted: [member('p-x', 'Decision Maker', 0)], removed: [] });
    await sendChanges(promoted);
    await waitForVersion(first.buyingGroupId, (v) => v.version === 2);
    expect(latest(first.buyingGroupId)!.data.changes).toEqual([
      { kind: 'member.role-changed', personId: 'p-x', from: 'Influencer', to: 'Decision Maker' },
      { kind: 'role.filled', role: 'Decision Maker' },
      { kind: 'completeness.changed', from: 0, to: 100 },
    ]);

    const after = await memberRows(first.buyingGroupId);
    expect(after.get('p-x')).toMatchObject({ role: 'Decision Maker' });
    expect(after.get('p-x')!.xmin).not.toBe(before.get('p-x')!.xmin);
    for (const personId of ['p-a', 'p-b', 'p-c', 'p-d']) expect(after.get(personId)).toEqual(before.get(personId));
  });

  it('folds a burst of changes for one group into one version, caused by the last and listing the others', async () => {
    const slots = [slot('Decision Maker', { required: true }), slot('Practitioner')];
    const burst = [
      changeTo('acc-burst', slots, [member('p-1', 'Decision Maker', 0)]),
      changeTo('acc-burst', slots, [member('p-1', 'Decision Maker', 0), member('p-2', 'Practitioner', 1)]),
      changeTo('acc-burst', slots, [member('p-2', 'Practitioner', 1)]),
    ];
    await sendChanges(...burst);
    const id = burst[0]!.buyingGroupId;
    await waitForVersion(id, (v) => v.cause.eventId === burst[2]!.cause.eventId);

    const [only, ...more] = versionsOf(id);
    expect(more).toEqual([]);
    expect(only!.data).toMatchObject({
      version: 1,
      cause: burst[2]!.cause,
      coalesced: [burst[0]!.cause.eventId, burst[1]!.cause.eventId],
      members: [member('p-2', 'Practitioner', 1)],
      missingRoles: ['Decision Maker'],
    });
  });

  it('raises engagement with activities, counting each once on its day, within the daily cap and the window', async () => {
    const accountId = 'acc-eng';
    const slots = [
      slot('Decision Maker', { required: true, weight: 100 }),
      slot('Influencer', { required: true, weight: 80 }),
    ];
    const input = changeTo(accountId, slots, [member('p-dm', 'Decision Maker', 0), member('p-inf', 'Influencer', 1)]);
    const id = input.buyingGroupId;
    // A record change scoring does not use (a person) is skipped, not dead-lettered; an account change keeps the hierarchy.
    const person = {
      personId: 'p-dm',
      email: 'dm@acme.example',
      firstName: 'Dee',
      lastName: 'Em',
      jobTitle: 'CEO',
      department: null,
      seniority: null,
      country: null,
      accounts: [{ accountId, relationship: 'employee' }],
      attributes: {},
      updatedAt: at(-day),
    };
    const cause = { eventId: 'crm-person', eventType: 'person.upserted' };
    const personChanged = encodeEvent(internalEventTypes.personChanged, {
      id: 'crm-person/acc-eng',
      key: accountId,
      source: 'bg/ingestion',
      data: {
        accountId,
        personId: 'p-dm',
        change: 'joined',
        relationship: 'employee',
        person,
        changedAt: at(-day),
        cause,
      },
    });
    const accountChanged = encodeEvent(internalEventTypes.accountChanged, {
      id: 'crm-account/acc-eng',
      key: accountId,
      source: 'bg/ingestion',
      data: { accountId, account: null, previousParentAccountId: null, changedAt: at(-day), cause },
    });
    await sendRecordChanges(personChanged, accountChanged);
    await sendChanges(input);
    await waitForVersion(id, (v) => v.version === 1);
    expect(latest(id)!.data.engagement.score).toBe(0);

    // 25 opens today: the daily cap of 20 counts 20 points for the Decision Maker.
    const opens = Array.from({ length: 25 }, (_, i) =>
      activity(`open-${i}`, accountId, 'p-dm', 'email.opened', at(-4 * 3_600_000 + i * 60_000)),
    );
    await sendRecordChanges(...opens.map((a) => activityMessage(a)));
    await waitForVersion(id, (v) => v.cause.eventId === 'crm-open-24');
    expect(latest(id)!.data.engagement).toEqual({
      score: 11, // 20 × 100 / (100 + 80)
      members: [
        { personId: 'p-dm', score: 20, weight: 100 },
        { personId: 'p-inf', score: 0, weight: 80 },
      ],
    });
    expect(latest(id)!.data.changes.at(-1)).toMatchObject({ kind: 'engagement.changed', to: 11 });

    // Late opens of yesterday count against yesterday's cap; a redelivered activity and one out of the window count nothing.
    const late = [1, 2, 3].map((i) => activity(`late-${i}`, accountId, 'p-dm', 'email.opened', at(-day - i * 60_000)));
    const again = activityMessage(opens[0]!, 'crm-open-0-again');
    const tooOld = activity('too-old', accountId, 'p-dm', 'meeting.completed', at(-31 * day));
    await sendRecordChanges(...late.map((a) => activityMessage(a)), again, activityMessage(tooOld));
    await waitForVersion(id, (v) => v.cause.eventId === 'crm-too-old');
    const v = latest(id)!.data;
    expect(v.engagement.members).toEqual([
      { personId: 'p-dm', score: 23, weight: 100 },
      { personId: 'p-inf', score: 0, weight: 80 },
    ]);
    expect(v.engagement.score).toBe(13);
    expect(v.changes).toEqual([{ kind: 'engagement.changed', from: 11, to: 13 }]);
    expect(v.coalesced).toEqual(['crm-late-1', 'crm-late-2', 'crm-late-3']);
    const rows = await memberRows(id);
    expect([rows.get('p-dm')?.engagement, rows.get('p-inf')?.engagement]).toEqual([23, 0]);

    const scores = versionsOf(id).map((p) => p.data.engagement.score);
    expect(scores).toEqual([...scores].sort((a, b) => a - b));
    expect(versionsOf(id).map((p) => p.data.version)).toEqual(scores.map((_, i) => i + 1));
    expect(recordChangesDlq.messages).toEqual([]);
  });

  it('counts the activities of two CRMs that use the same ids separately, and each once however often it arrives', async () => {
    const input = changeTo(
      'acc-two-crms',
      [slot('Decision Maker', { required: true })],
      [member('p-x', 'Decision Maker', 0)],
    );
    const id = input.buyingGroupId;
    await sendChanges(input);
    await waitForVersion(id, (v) => v.version === 1);

    // Both CRMs call their event evt-1 and their meeting act-1: two meetings (20 points each), not one.
    const meeting = activity('act-1', 'acc-two-crms', 'p-x', 'meeting.completed', at(-3_600_000));
    const fromSalesforce = activityMessage(meeting, 'evt-1', 'crm/salesforce');
    const fromHubspot = activityMessage(meeting, 'evt-1', 'crm/hubspot');
    const marker = activityMessage(activity('act-marker', 'acc-two-crms', 'p-x', 'email.opened', at(-60_000)));
    await sendRecordChanges(fromSalesforce, fromHubspot, fromSalesforce, marker);
    await waitForVersion(id, (v) => v.cause.eventId === 'crm-act-marker');
    expect(latest(id)!.data.engagement.members).toEqual([{ personId: 'p-x', score: 41, weight: 60 }]);
  });

  it('tells enrichment when a version dissolves a group, and reports its missing roles again when it comes back', async () => {
    const slots = [slot('Decision Maker', { required: true })];
    const v1 = changeTo('acc-dissolve', slots, []);
    const id = v1.buyingGroupId;
    const accountDeleted = { eventId: 'crm-acc-deleted', eventType: 'account.deleted', source: 'crm/test' };
    // One at a time: changes of one group in one chunk fold into one version.
    await sendChanges(v1);
    await waitForVersion(id, (v) => v.version === 1);
    await sendChanges(changeTo('acc-dissolve', slots, [], { status: 'dissolved', cause: accountDeleted }));
    await waitForVersion(id, (v) => v.version === 2);
    await sendChanges(changeTo('acc-dissolve', slots, []));
    await roleEvents.waitFor(() => roleEventsOf(id).length === 3);
    expect(roleEventsOf(id).map((e) => [e.id, e.type, e.key])).toEqual([
      [`${id}:1:missing:Decision Maker`, 'bg.role.missing', 'acc-dissolve'],
      [`${id}:2:dissolved`, 'bg.group.dissolved', 'acc-dissolve'],
      [`${id}:3:missing:Decision Maker`, 'bg.role.missing', 'acc-dissolve'],
    ]);
    expect(roleEventsOf(id)[1]!.data).toEqual({
      buyingGroupId: id,
      version: 2,
      accountId: 'acc-dissolve',
      solutionInterestId: 'si-x',
      occurredAt: clock.toISOString(),
      cause: accountDeleted,
    });
  });

  it('takes a group of 5,000 members in one change and publishes it whole in one version, then writes one row for a one-member change', async () => {
    const slots = [slot('Decision Maker', { required: true, weight: 100 }), slot('Practitioner', { weight: 40 })];
    const people = Array.from({ length: 5_000 }, (_, i) => ({
      personId: `p-big-${String(i).padStart(4, '0')}`,
      role: i === 0 ? 'Decision Maker' : 'Practitioner',
      source: 'rule' as const,
      since: '2026-11-01T00:00:00.000Z',
      reason: {
        slot: i === 0 ? 0 : 1,
        matched: [{ field: 'jobTitle', op: 'exists', actual: `Engineer ${i}` }],
        skipped: i === 0 ? [] : [{ slot: 0, why: 'no-match' as const }],
      },
    }));
    const big = changeTo('acc-big', slots, people);
    const message = membershipMessage(big);
    expect(big.members.upserted).toHaveLength(5_000);
    await sendMemberships(message);
    await waitForVersion(big.buyingGroupId, (v) => v.version === 1, 60_000);

    const [v1, ...more] = versionsOf(big.buyingGroupId);
    expect(more).toEqual([]);
    expect(v1!.data.members).toHaveLength(5_000);
    expect(v1!.data.members).toEqual(people);
    expect(v1!.data.engagement.members).toHaveLength(5_000);
    expect(v1!.data.changes.filter((c) => c.kind === 'member.added')).toHaveLength(5_000);
    const snapshot = changes.messages.find((m) => (m.json() as Published).id === `${big.buyingGroupId}:1`)!;
    expect(snapshot.value!.length).toBeLessThan(Number(ctx.env.MAX_MESSAGE_BYTES));
    const before = await memberRows(big.buyingGroupId);
    expect(before.size).toBe(5_000);

    const leaving = people[4_999]!.personId;
    await sendChanges(changeTo('acc-big', slots, people.slice(0, 4_999)));
    await waitForVersion(big.buyingGroupId, (v) => v.version === 2, 60_000);
    expect(latest(big.buyingGroupId)!.data.changes).toEqual([
      { kind: 'member.removed', personId: leaving, role: 'Practitioner', source: 'rule' },
    ]);
    const after = await memberRows(big.buyingGroupId);
    expect(after.size).toBe(4_999);
    expect([...after].filter(([personId, row]) => !isDeepStrictEqual(row, before.get(personId)))).toEqual([]);
    // Two waits of up to a minute each for a 5,000-member group: more than the tier's 60 s when the machine is loaded.
  }, 180_000);

  it('keeps versions gapless and increasing across a restart mid-stream and a full redelivery', async () => {
    const accountId = 'acc-restart';
    const slots = [slot('Decision Maker', { required: true }), slot('Practitioner')];
    const inputs = Array.from({ length: 30 }, (_, i) =>
      changeTo(
        accountId,
        slots,
        Array.from({ length: i + 1 }, (_, j) => member(`p-r${j}`, 'Practitioner', 1)),
      ),
    );
    const id = inputs[0]!.buyingGroupId;
    for (const input of inputs.slice(0, 15)) await sendChanges(input);
    await service.stop();
    for (const input of inputs.slice(15)) await sendChanges(input);
    service = await start();
    await waitForVersion(id, (v) => v.members.length === 30, 60_000);

    const received = copiesOf(id);
    const distinct = [...new Map(received.map((p) => [p.id, p])).values()];
    expect(distinct.map((p) => p.data.version)).toEqual(distinct.map((_, i) => i + 1));
    expect(distinct.map((p) => p.id)).toEqual(distinct.map((p) => `${id}:${p.data.version}`));
    // Every input is accounted for exactly once, as the cause of a version or folded into one.
    const accounted = distinct.flatMap((p) => [...(p.data.coalesced ?? []), p.data.cause.eventId]);
    expect(accounted).toEqual(inputs.map((input) => input.cause.eventId));
    const stored = await db.query('SELECT version FROM groups WHERE buying_group_id = $1', [id]);
    expect(stored.rows[0].version).toBe(distinct.length);

    // A crash between the database commit and the offset commit means redelivery: the worst case, all of it.
    await service.stop();
    const admin = ctx.kafka.admin();
    await admin.connect();
    await admin.resetOffsets({
      groupId: `${ctx.topicPrefix}scoring`,
      topic: t(Topics.membershipChanges),
      earliest: true,
    });
    await admin.disconnect();
    service = await start();
    await sendMarkerAndWait(accountId);
    expect(copiesOf(id)).toHaveLength(received.length);
    // Two restarts, each rejoining the group, and waits of up to a minute inside: the tier's 60 s is too short for it
    // on a loaded machine.
  }, 240_000);

  it("a roll-up group counts its members' activities at descendant accounts, and such an activity re-scores it", async () => {
    // top ─ kid ─ grandkid; a group of top that rolls up, and one of top that does not, both holding p-kid.
    await sendRecordChanges(
      accountMessage('acc-top', null),
      accountMessage('acc-kid', 'acc-top'),
      accountMessage('acc-grandkid', 'acc-kid'),
    );
    const slots = [slot('Decision Maker', { required: true })];
    const rollUp = changeTo('acc-top', slots, [member('p-kid', 'Decision Maker', 0)], {
      memberScope: 'account-and-descendants',
    });
    const flat = changeTo('acc-top', slots, [member('p-kid', 'Decision Maker', 0)], {
      solutionInterestId: 'si-flat',
      memberScope: 'account',
    });
    await sendChanges(rollUp, flat);
    await waitForVersion(rollUp.buyingGroupId, (v) => v.version === 1);
    await waitForVersion(flat.buyingGroupId, (v) => v.version === 1);

    // Activities of p-kid at the child and the grandchild (their own partitions) reach the roll-up group of top.
    await sendRecordChanges(
      activityMessage(activity('kid-meet', 'acc-kid', 'p-kid', 'meeting.completed', at(-3_600_000))),
    );
    await waitForVersion(rollUp.buyingGroupId, (v) => v.cause.eventId === 'crm-kid-meet');
    expect(latest(rollUp.buyingGroupId)!.data.engagement).toEqual({
      score: 20,
      members: [{ personId: 'p-kid', score: 20, weight: 60 }],
    });
    await sendRecordChanges(
      activityMessage(activity('grandkid-form', 'acc-grandkid', 'p-kid', 'form.submitted', at(-3_600_000))),
    );
    await waitForVersion(rollUp.buyingGroupId, (v) => v.cause.eventId === 'crm-grandkid-form');
    expect(latest(rollUp.buyingGroupId)!.data.engagement.score).toBe(30);

    // A group of top that does not roll up counts only what happened at top.
    await sendMarkerAndWait('acc-top');
    expect(versionsOf(flat.buyingGroupId).map((v) => v.data.engagement.score)).toEqual([0]);

    // A new member of the roll-up group is scored over the whole scope.
    const joined = changeTo(
      'acc-top',
      slots,
      [member('p-kid', 'Decision Maker', 0), member('p-other', 'Decision Maker', 0)],
      { memberScope: 'account-and-descendants' },
    );
    await sendRecordChanges(
      activityMessage(activity('other-meet', 'acc-grandkid', 'p-other', 'meeting.completed', at(-3_600_000))),
    );
    await sendChanges(joined);
    // (The activity and the change travel on different partitions: whichever comes second scores p-other at 20.)
    await waitForVersion(rollUp.buyingGroupId, (v) =>
      Boolean(v.engagement.members?.some((m) => m.personId === 'p-other' && m.score === 20)),
    );
    expect(latest(rollUp.buyingGroupId)!.data.engagement.members).toEqual([
      { personId: 'p-kid', score: 30, weight: 60 },
      { personId: 'p-other', score: 20, weight: 60 },
    ]);
  });

  it("sends a person's engagement at an account whenever its integer score moves, member of a group or not", async () => {
    const accountId = 'acc-solo';
    await sendRecordChanges(
      activityMessage(activity('solo-1', accountId, 'p-solo', 'meeting.completed', at(-3_600_000))),
      activityMessage(activity('solo-2', accountId, 'p-solo', 'email.opened', at(-3_600_000))),
    );
    await engagementEvents.waitFor(() => scoresSentFor(accountId, 'p-solo').length > 0);
    // One chunk or two: the last score sent is 21, each move once, versions gapless.
    await engagementEvents.waitFor(() => scoresSentFor(accountId, 'p-solo').at(-1)?.data.score === 21);
    const sent = scoresSentFor(accountId, 'p-solo');
    expect(sent.map((e) => e.data.version)).toEqual(sent.map((_, i) => i + 1));
    expect(sent.at(-1)).toMatchObject({
      id: `${accountId}:p-solo:e${sent.length}`,
      key: accountId,
      data: {
        accountId,
        personId: 'p-solo',
        score: 21,
        cause: { eventId: 'crm-solo-2', eventType: 'activity.recorded' },
      },
    });
    // A redelivered activity sends nothing more.
    await sendRecordChanges(
      activityMessage(activity('solo-2', accountId, 'p-solo', 'email.opened', at(-3_600_000)), 'crm-solo-2-again'),
    );
    await sendMarkerAndWait(accountId);
    expect(scoresSentFor(accountId, 'p-solo')).toHaveLength(sent.length);
    const { rows } = await db.query(
      'SELECT score, version FROM person_scores WHERE account_id = $1 AND person_id = $2',
      [accountId, 'p-solo'],
    );
    expect(rows).toEqual([{ score: 21, version: sent.length }]);
  });

  it('re-scores periodically with decay and the window, publishing only moves of at least the step', async () => {
    await service.stop();
    service = await start({ ENGAGEMENT_HALF_LIFE_DAYS: '10', ENGAGEMENT_STEP: '5' });
    const accountId = 'acc-decay';
    const input = changeTo(
      accountId,
      [slot('Decision Maker', { required: true })],
      [member('p-d', 'Decision Maker', 0)],
    );
    const id = input.buyingGroupId;
    await sendChanges(input);
    const meetings = [1, 2, 3].map((i) => activity(`meet-${i}`, accountId, 'p-d', 'meeting.completed', at(0)));
    await sendRecordChanges(...meetings.map((a) => activityMessage(a)));
    await waitForVersion(id, (v) => v.engagement.score === 60);
    const published = versionsOf(id).length;

    /** Moves the clock and waits for a whole re-score pass to have run at the new time. */
    const advance = async (ms: number) => {
      clock = new Date(clock.getTime() + ms);
      await vi.waitFor(
        async () => {
          const { rows } = await db.query('SELECT scored_at FROM rescore_runs');
          expect(rows[0]?.scored_at?.getTime()).toBe(clock.getTime());
        },
        { timeout: 30_000, interval: 50 },
      );
    };

    await advance(day / 2); // 60 × 0.5^(0.5/10) ≈ 58: a move of 2, under the step
    expect(versionsOf(id)).toHaveLength(published);
    expect((await memberRows(id)).get('p-d')?.engagement).toBe(60); // not published, not written

    await advance(day); // 60 × 0.5^(1.5/10) ≈ 54: a move of 6
    await waitForVersion(id, (v) => v.cause.eventType === 'engagement.rescored');
    const rescored = latest(id)!.data;
    expect(rescored).toMatchObject({
      version: published + 1,
      engagement: { score: 54, members: [{ personId: 'p-d', score: 54, weight: 60 }] },
      changes: [{ kind: 'engagement.changed', from: 60, to: 54 }],
      cause: { eventId: `rescore:${clock.toISOString()}`, eventType: 'engagement.rescored' },
      completeness: { score: 100 },
    });
    expect(rescored).not.toHaveProperty('coalesced');
    expect((await memberRows(id)).get('p-d')?.engagement).toBe(54);

    await advance(30 * day); // out of the window
    // (Version 1 scored 0 too: wait for this pass's version, not any version at 0.)
    await waitForVersion(id, (v) => v.version === published + 2);
    expect(latest(id)!.data).toMatchObject({
      version: published + 2,
      changes: [{ kind: 'engagement.changed', from: 54, to: 0 }],
    });
    expect(roleEventsOf(id)).toEqual([]);
    // The same passes moved the condition score of a person in no group: down with the decay, to 0 out of the window.
    await engagementEvents.waitFor(() => scoresSentFor('acc-solo', 'p-solo').at(-1)?.data.score === 0);
    const solo = scoresSentFor('acc-solo', 'p-solo');
    expect(solo.at(-1)!.data.cause).toMatchObject({ eventType: 'engagement.rescored' });
    expect(solo.map((e) => e.data.version)).toEqual(solo.map((_, i) => i + 1));
  });

  it('re-scores only the persons the clock moved, and leaves one whose account a consumer holds to the next pass', async () => {
    await service.stop();
    service = await start(); // no decay: the clock moves a score only as an activity leaves the window
    const accountId = 'acc-window';
    const input = changeTo(
      accountId,
      [slot('Decision Maker', { required: true })],
      [member('p-w', 'Decision Maker', 0)],
    );
    const id = input.buyingGroupId;
    await sendChanges(input);
    await sendRecordChanges(activityMessage(activity('w-1', accountId, 'p-w', 'meeting.completed', at(-29.5 * day))));
    await waitForVersion(id, (v) => v.engagement.score === 20);
    const published = versionsOf(id).length;
    const lastRun = async () =>
      (await db.query('SELECT scored_at, groups_evaluated FROM rescore_runs')).rows[0] as {
        scored_at: Date;
        groups_evaluated: number;
      };
    const advance = async (ms: number) => {
      clock = new Date(clock.getTime() + ms);
      await vi.waitFor(async () => expect((await lastRun()).scored_at.getTime()).toBe(clock.getTime()), {
        timeout: 30_000,
        interval: 50,
      });
    };
    const pending = async () => (await db.query('SELECT account_id, person_id FROM rescore_pending')).rows;

    // A consumer holds the account (its advisory lock) while the meeting leaves the window: the pass leaves the person.
    const holder = await db.connect();
    try {
      await holder.query(`SELECT pg_advisory_lock(hashtextextended('scoring:' || $1, 0))`, [accountId]);
      await advance(day);
      expect(versionsOf(id)).toHaveLength(published);
      expect(await pending()).toEqual([{ account_id: accountId, person_id: 'p-w' }]);
    } finally {
      await holder.query(`SELECT pg_advisory_unlock(hashtextextended('scoring:' || $1, 0))`, [accountId]);
      holder.release();
    }
    // The next pass, at the same clock, takes it from the pending list. (Version 1 scored 0 too: wait for this one.)
    await waitForVersion(id, (v) => v.version === published + 1);
    expect(latest(id)!.data).toMatchObject({
      version: published + 1,
      changes: [{ kind: 'engagement.changed', from: 20, to: 0 }],
      cause: { eventType: 'engagement.rescored' },
    });
    await vi.waitFor(async () => expect(await pending()).toEqual([]));

    // A minute on, no activity crossed the window's edge: a pass evaluates no group at all, however many there are.
    await advance(60_000);
    expect((await db.query(`SELECT count(*)::int AS n FROM groups WHERE status = 'active'`)).rows[0].n).toBeGreaterThan(
      10,
    );
    expect((await lastRun()).groups_evaluated).toBe(0);

    // Other settings: the pass cannot tell whom they moved, and reads every scored person once. A shorter window drops
    // an activity 10 days old that no edge crossed.
    await sendRecordChanges(activityMessage(activity('y-1', 'acc-window', 'p-y', 'meeting.completed', at(-10 * day))));
    await engagementEvents.waitFor(() => scoresSentFor('acc-window', 'p-y').at(-1)?.data.score === 20);
    await service.stop();
    service = await start({ ENGAGEMENT_WINDOW_DAYS: '5' });
    await engagementEvents.waitFor(() => scoresSentFor('acc-window', 'p-y').at(-1)?.data.score === 0);
    expect(scoresSentFor('acc-window', 'p-y').at(-1)!.data.cause).toMatchObject({ eventType: 'engagement.rescored' });
  });
});
