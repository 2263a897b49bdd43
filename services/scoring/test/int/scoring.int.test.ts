import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import pg from 'pg';
import type { Producer } from 'kafkajs';
import {
  Topics,
  buyingGroupChangedSchema,
  buyingGroupId,
  deadLetterTopic,
  internalEventTypes,
  roleGapSchema,
  roleSlotSchema,
  type ActivityRecorded,
  type BuyingGroupChanged,
  type GroupMember,
  type GroupRecomputed,
  type RoleGap,
  type RoleSlot,
} from '@bg/contracts';
import { encodeCloudEvent } from '@bg/kafka';
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

const membershipVersions = new Map<string, number>();
/** The next membership of the group of (si-x, accountId), as role-assignment would send it. */
function recomputed(accountId: string, slots: RoleSlot[], members: GroupMember[], extra: Partial<GroupRecomputed> = {}): GroupRecomputed {
  const id = buyingGroupId('si-x', accountId);
  const membershipVersion = (membershipVersions.get(id) ?? 0) + 1;
  membershipVersions.set(id, membershipVersion);
  return {
    buyingGroupId: id,
    accountId,
    solutionInterestId: 'si-x',
    name: `Product X for ${accountId}`,
    status: 'active',
    slots,
    members,
    removedMembers: [],
    membershipVersion,
    cause: { eventId: `crm-${accountId}-${membershipVersion}`, eventType: 'person.upserted' },
    ...extra,
  };
}

const groupRecomputedMessage = (input: GroupRecomputed, id = `gr-${input.buyingGroupId}-${input.membershipVersion}`) => ({
  key: input.accountId,
  value: encodeCloudEvent({ id, type: internalEventTypes.groupRecomputed, source: 'bg/role-assignment', data: input }),
});
async function sendRecomputed(...messages: { key: string; value: string }[]) {
  await producer.send({ topic: t(Topics.groupRecomputed), messages });
}

const activity = (activityId: string, accountId: string, personId: string, activityType: ActivityRecorded['activityType'], occurredAt: string): ActivityRecorded => ({
  activityId,
  accountId,
  personId,
  activityType,
  occurredAt,
  attributes: {},
});
/** bg.activity.accepted as ingestion writes it; `eventId` lets a test redeliver an activity under a new event. */
const activityMessage = (a: ActivityRecorded, eventId = `crm-${a.activityId}`) => ({
  key: a.accountId,
  value: encodeCloudEvent({
    id: `${eventId}/${a.accountId}`,
    type: internalEventTypes.activityAccepted,
    source: 'bg/ingestion',
    data: { activity: a, cause: { eventId, eventType: 'activity.recorded' } },
  }),
});
async function sendRecordChanges(...messages: { key: string; value: string }[]) {
  await producer.send({ topic: t(Topics.recordChanges), messages });
}

type Published = { id: string; type: string; source: string; key: string | null; data: BuyingGroupChanged };
/** Every version of a group received on the public topic, in the order received (one key, one partition). */
const versionsOf = (groupId: string): Published[] =>
  changes.messages
    .map((m) => ({ ...(m.json() as Omit<Published, 'key'>), key: m.key }))
    .filter((p) => p.data.buyingGroupId === groupId);
const latest = (groupId: string) => versionsOf(groupId).at(-1);
const waitForVersion = (groupId: string, predicate: (v: BuyingGroupChanged) => boolean, timeoutMs = 30_000) =>
  changes.waitFor(() => versionsOf(groupId).some((p) => predicate(p.data)), timeoutMs);

type RoleEvent = { id: string; type: string; data: RoleGap; key: string | null };
const roleEventsOf = (groupId: string): RoleEvent[] =>
  roleEvents.messages
    .map((m) => ({ ...(m.json() as Omit<RoleEvent, 'key'>), key: m.key }))
    .filter((e) => e.data.buyingGroupId === groupId);

beforeAll(async () => {
  ctx = await createTestContext();
  db = new pg.Pool({ connectionString: ctx.databaseUrl, options: '-c search_path=scoring' });
  producer = await connectTestProducer(ctx.kafka);
  changes = await new TopicProbe(ctx.kafka, t(Topics.buyingGroupChanges)).start();
  roleEvents = await new TopicProbe(ctx.kafka, t(Topics.roleEvents)).start();
  recordChangesDlq = await new TopicProbe(ctx.kafka, t(deadLetterTopic(Topics.recordChanges))).start();
  service = await start();
});

afterAll(async () => {
  await service?.stop();
  await Promise.all([changes?.stop(), roleEvents?.stop(), recordChangesDlq?.stop(), producer?.disconnect()]);
  await db?.end();
});

describe('scoring', () => {
  it('publishes version 1 of new groups with the completeness of the worked examples and their missing roles', async () => {
    const oneOfThree = recomputed(
      'acc-c1',
      [slot('Decision Maker', { required: true }), slot('Influencer', { required: true }), slot('Champion', { required: true })],
      [member('p-1', 'Decision Maker', 0)],
    );
    const fourForThree = recomputed(
      'acc-c2',
      [slot('Practitioner', { required: true, minMembers: 3 })],
      ['p-1', 'p-2', 'p-3', 'p-4'].map((p) => member(p, 'Practitioner', 0)),
    );
    const meanOverRequired = recomputed(
      'acc-c3',
      [slot('Decision Maker', { required: true }), slot('Influencer', { required: true, minMembers: 2 }), slot('Practitioner')],
      [member('p-1', 'Decision Maker', 0), member('p-2', 'Influencer', 1)],
    );
    const noneRequired = recomputed('acc-c4', [slot('Champion'), slot('Practitioner')], [member('p-1', 'Champion', 0)]);
    await sendRecomputed(...[oneOfThree, fourForThree, meanOverRequired, noneRequired].map((input) => groupRecomputedMessage(input)));

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
    expect(roleGapSchema.parse(missing[0]!.data)).toMatchObject({ role: 'Influencer', slot: 1, assigned: 0, cause: oneOfThree.cause });
    expect(roleEventsOf(fourForThree.buyingGroupId)).toEqual([]);
  });

  it('when a person loses the only Decision Maker slot, publishes one version with member.removed, role.missing and completeness.changed, and one role-missing event', async () => {
    const slots = [slot('Decision Maker', { required: true, weight: 100 }), slot('Influencer', { required: true, weight: 80 })];
    const ana = member('p-ana', 'Decision Maker', 0);
    const ben = member('p-ben', 'Influencer', 1);
    const before = recomputed('acc-dm', slots, [ana, ben]);
    await sendRecomputed(groupRecomputedMessage(before));
    await waitForVersion(before.buyingGroupId, (v) => v.version === 1);

    const removed = { personId: 'p-ana', role: 'Decision Maker', source: 'rule' as const, removedAt: at(0) };
    const lost = recomputed('acc-dm', slots, [ben], { removedMembers: [removed], cause: { eventId: 'crm-ana-title', eventType: 'person.upserted' } });
    await sendRecomputed(groupRecomputedMessage(lost));
    const filled = recomputed('acc-dm', slots, [ben, member('p-cy', 'Decision Maker', 0)], { removedMembers: [removed] });
    await sendRecomputed(groupRecomputedMessage(filled));
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
    expect(v2).toMatchObject({ missingRoles: ['Decision Maker'], removedMembers: [removed], cause: lost.cause });

    const gaps = roleEventsOf(before.buyingGroupId);
    expect(gaps.map((e) => [e.id, e.type])).toEqual([
      [`${before.buyingGroupId}:2:missing:Decision Maker`, 'bg.role.missing'],
      [`${before.buyingGroupId}:3:filled:Decision Maker`, 'bg.role.filled'],
    ]);
    expect(gaps[0]!.data).toMatchObject({ role: 'Decision Maker', slot: 0, assigned: 0, cause: lost.cause, slotDefinition: slots[0] });
    expect(gaps[1]!.data).toMatchObject({ role: 'Decision Maker', assigned: 1 });
  });

  it('publishes nothing for a redelivered input or a recomputation that changes nothing', async () => {
    const slots = [slot('Decision Maker', { required: true }), slot('Practitioner')];
    const first = recomputed('acc-dup', slots, [member('p-1', 'Decision Maker', 0)]);
    const second = recomputed('acc-dup', slots, [member('p-1', 'Decision Maker', 0), member('p-2', 'Practitioner', 1)]);
    await sendRecomputed(groupRecomputedMessage(first, 'gr-dup-1'), groupRecomputedMessage(second, 'gr-dup-2'));
    await waitForVersion(first.buyingGroupId, (v) => v.members.length === 2);

    await sendRecomputed(groupRecomputedMessage(first, 'gr-dup-1')); // redelivered: must not bring p-2's removal back
    const unchanged = recomputed('acc-dup', slots, second.members);
    await sendRecomputed(groupRecomputedMessage(unchanged, 'gr-dup-3'));
    // Same account, same partition: once the marker's group is out, the inputs before it have been applied.
    const marker = recomputed('acc-dup', slots, [], { buyingGroupId: buyingGroupId('si-y', 'acc-dup'), solutionInterestId: 'si-y' });
    await sendRecomputed(groupRecomputedMessage(marker));
    await waitForVersion(marker.buyingGroupId, (v) => v.version === 1);

    const versions = versionsOf(first.buyingGroupId);
    expect(versions.at(-1)!.data).toMatchObject({ members: second.members, cause: second.cause });
    expect(versions.map((v) => v.id).at(-1)).toBe(`${first.buyingGroupId}:${versions.length}`);
    expect(versions.every((v) => v.data.cause.eventId !== unchanged.cause.eventId && !v.data.coalesced?.includes(unchanged.cause.eventId))).toBe(true);
  });

  it('folds a burst of inputs for one group into one version, caused by the last and listing the others', async () => {
    const slots = [slot('Decision Maker', { required: true }), slot('Practitioner')];
    const inputs = [
      recomputed('acc-burst', slots, [member('p-1', 'Decision Maker', 0)]),
      recomputed('acc-burst', slots, [member('p-1', 'Decision Maker', 0), member('p-2', 'Practitioner', 1)]),
      recomputed('acc-burst', slots, [member('p-2', 'Practitioner', 1)]),
    ];
    await sendRecomputed(...inputs.map((input) => groupRecomputedMessage(input)));
    const id = inputs[0]!.buyingGroupId;
    await waitForVersion(id, (v) => v.cause.eventId === inputs[2]!.cause.eventId);

    const [only, ...more] = versionsOf(id);
    expect(more).toEqual([]);
    expect(only!.data).toMatchObject({
      version: 1,
      cause: inputs[2]!.cause,
      coalesced: [inputs[0]!.cause.eventId, inputs[1]!.cause.eventId],
      members: [member('p-2', 'Practitioner', 1)],
      missingRoles: ['Decision Maker'],
    });
  });

  it('raises engagement with activities, counting each once on its day, within the daily cap and the window', async () => {
    const accountId = 'acc-eng';
    const slots = [slot('Decision Maker', { required: true, weight: 100 }), slot('Influencer', { required: true, weight: 80 })];
    const input = recomputed(accountId, slots, [member('p-dm', 'Decision Maker', 0), member('p-inf', 'Influencer', 1)]);
    const id = input.buyingGroupId;
    // Record changes scoring does not use are skipped, not dead-lettered.
    const person = {
      personId: 'p-dm', email: 'dm@acme.example', firstName: 'Dee', lastName: 'Em', jobTitle: 'CEO', department: null,
      seniority: null, country: null, accounts: [{ accountId, relationship: 'employee' }], attributes: {}, updatedAt: at(-day),
    };
    const cause = { eventId: 'crm-person', eventType: 'person.upserted' };
    await sendRecordChanges(
      { key: accountId, value: encodeCloudEvent({ type: internalEventTypes.personChanged, source: 'bg/ingestion', data: { accountId, personId: 'p-dm', change: 'joined', relationship: 'employee', person, cause } }) },
      { key: accountId, value: encodeCloudEvent({ type: internalEventTypes.accountChanged, source: 'bg/ingestion', data: { accountId, account: null, previousParentAccountId: null, cause } }) },
    );
    await sendRecomputed(groupRecomputedMessage(input));
    await waitForVersion(id, (v) => v.version === 1);
    expect(latest(id)!.data.engagement.score).toBe(0);

    // 25 opens today: the daily cap of 20 counts 20 points for the Decision Maker.
    const opens = Array.from({ length: 25 }, (_, i) => activity(`open-${i}`, accountId, 'p-dm', 'email.opened', at(-4 * 3_600_000 + i * 60_000)));
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

    const scores = versionsOf(id).map((p) => p.data.engagement.score);
    expect(scores).toEqual([...scores].sort((a, b) => a - b));
    expect(versionsOf(id).map((p) => p.data.version)).toEqual(scores.map((_, i) => i + 1));
    expect(recordChangesDlq.messages).toEqual([]);
  });

  it('keeps versions gapless and increasing across a restart mid-stream and a full redelivery', async () => {
    const accountId = 'acc-restart';
    const slots = [slot('Decision Maker', { required: true }), slot('Practitioner')];
    const inputs = Array.from({ length: 30 }, (_, i) =>
      recomputed(accountId, slots, Array.from({ length: i + 1 }, (_, j) => member(`p-r${j}`, 'Practitioner', 1))),
    );
    const id = inputs[0]!.buyingGroupId;
    for (const input of inputs.slice(0, 15)) await sendRecomputed(groupRecomputedMessage(input));
    await service.stop();
    for (const input of inputs.slice(15)) await sendRecomputed(groupRecomputedMessage(input));
    service = await start();
    await waitForVersion(id, (v) => v.members.length === 30, 60_000);

    const received = versionsOf(id);
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
    await admin.resetOffsets({ groupId: `${ctx.topicPrefix}scoring`, topic: t(Topics.groupRecomputed), earliest: true });
    await admin.disconnect();
    service = await start();
    const marker = recomputed(accountId, slots, [], { buyingGroupId: buyingGroupId('si-y', accountId), solutionInterestId: 'si-y' });
    await sendRecomputed(groupRecomputedMessage(marker));
    await waitForVersion(marker.buyingGroupId, (v) => v.version === 1, 60_000);
    expect(versionsOf(id)).toHaveLength(received.length);
  });

  it('re-scores periodically with decay and the window, publishing only moves of at least the step', async () => {
    await service.stop();
    service = await start({ ENGAGEMENT_HALF_LIFE_DAYS: '10', ENGAGEMENT_STEP: '5' });
    const accountId = 'acc-decay';
    const input = recomputed(accountId, [slot('Decision Maker', { required: true })], [member('p-d', 'Decision Maker', 0)]);
    const id = input.buyingGroupId;
    await sendRecomputed(groupRecomputedMessage(input));
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

    await advance(day); // 60 × 0.5^(1.5/10) ≈ 54: a move of 6
    await waitForVersion(id, (v) => v.cause.eventType === 'engagement.rescored');
    const rescored = latest(id)!.data;
    expect(rescored).toMatchObject({
      version: published + 1,
      engagement: { score: 54 },
      changes: [{ kind: 'engagement.changed', from: 60, to: 54 }],
      cause: { eventId: `rescore:${clock.toISOString()}`, eventType: 'engagement.rescored' },
      completeness: { score: 100 },
    });
    expect(rescored).not.toHaveProperty('coalesced');

    await advance(30 * day); // out of the window
    await waitForVersion(id, (v) => v.engagement.score === 0);
    expect(latest(id)!.data).toMatchObject({ version: published + 2, changes: [{ kind: 'engagement.changed', from: 54, to: 0 }] });
    expect(roleEventsOf(id)).toEqual([]);
  });
});
