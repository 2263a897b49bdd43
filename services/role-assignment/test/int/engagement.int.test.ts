import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import {
  Topics,
  buyingGroupId,
  internalEventTypes,
  type ActivityRecorded,
  type BuyingGroupChanged,
  type PersonEngagementChanged,
} from '@bg/contracts';
import { encodeEvent } from '@bg/kafka';
import { createLogger, loadConfig, type RunningWorker } from '@bg/service-kit';
import { accountRecord, eventually, personRecord, TopicProbe } from '@bg/testing';
import { scoringConfigSchema } from '../../../scoring/src/config';
import { startScoring } from '../../../scoring/src/app';
import { startApi, type RunningApi } from '../../../api/test/int/support';
import { startPipeline, type Pipeline } from './pipeline';

/**
 * `engagementScore` in a slot condition, end to end through Kafka: CRM activities → ingestion → scoring (the one place
 * that computes engagement, on an injected clock) → bg.person.engagement-changed → role-assignment places the person
 * → scoring publishes the group; the API's dry-run preview reads the same scores and agrees with the live groups.
 */

let p: Pipeline;
let scoring: RunningWorker;
let api: RunningApi;
let publicGroups: TopicProbe;
let engagement: TopicProbe;

const day = 86_400_000;
/** Scoring's clock (windows and decay are computed at it), moved by hand; activities happen just before it. */
let clock = new Date();
const earlier = (ms: number) => new Date(clock.getTime() - ms).toISOString();

const accountId = 'acc-eng';
const groupId = buyingGroupId('si-eng', accountId);
const cmo = {
  role: 'Decision Maker',
  required: true,
  conditions: { field: 'jobTitle', op: 'containsAny', value: ['CMO'] },
};
const engaged = { role: 'Champion', weight: 60, conditions: { field: 'engagementScore', op: 'gte', value: 40 } };

const versions = (): BuyingGroupChanged[] =>
  publicGroups
    .values<{ data: BuyingGroupChanged }>()
    .map((e) => e.data)
    .filter((v) => v.buyingGroupId === groupId);
const latest = () =>
  versions()
    .sort((a, b) => a.version - b.version)
    .at(-1);
const waitForGroup = (predicate: (v: BuyingGroupChanged) => boolean) =>
  publicGroups.waitFor(() => {
    const v = latest();
    return v !== undefined && predicate(v);
  }, 30_000);
const roleOf = (v: BuyingGroupChanged | undefined, personId: string) =>
  v?.members.find((m) => m.personId === personId)?.role;
const scoresSent = (personId: string) =>
  engagement
    .values<{ data: PersonEngagementChanged }>()
    .map((e) => e.data)
    .filter((e) => e.personId === personId);

async function meeting(activityId: string, personId: string) {
  const data: ActivityRecorded = {
    activityId,
    personId,
    accountId,
    activityType: 'meeting.completed', // 20 points of the 100 that make a score of 100
    occurredAt: earlier(3_600_000),
    attributes: {},
  };
  await p.send(Topics.crmActivities, [{ key: personId, type: 'activity.recorded', data, id: `crm-${activityId}` }]);
}

const preview = (slots: unknown[]) =>
  api.call('POST', '/v1/solution-interests/si-eng/preview', { json: { roleTemplate: { slots } } });

beforeAll(async () => {
  p = await startPipeline();
  scoring = await startScoring(
    loadConfig(scoringConfigSchema, { ...p.ctx.env, RESCORE_INTERVAL_MS: '100' }),
    createLogger('scoring', p.ctx.env.LOG_LEVEL!),
    (error) => {
      throw error;
    },
    { now: () => clock },
  );
  api = await startApi(p.ctx);
  publicGroups = await new TopicProbe(p.ctx.kafka, `${p.ctx.topicPrefix}${Topics.buyingGroupChanges}`).start();
  engagement = await new TopicProbe(p.ctx.kafka, `${p.ctx.topicPrefix}${Topics.engagement}`).start();

  // Live: a template without any engagement rule.
  expect((await api.call('PUT', '/v1/role-templates/rt-eng', { json: { name: 'Eng', slots: [cmo] } })).status).toBe(
    201,
  );
  await api.call('POST', '/v1/role-templates/rt-eng/publish');
  await api.call('PUT', '/v1/account-audiences/aud-eng', { json: { name: 'One', accountIds: [accountId] } });
  const si = await api.call('PUT', '/v1/solution-interests/si-eng', {
    json: { name: 'Product E', roleTemplateId: 'rt-eng', audienceId: 'aud-eng' },
  });
  expect(si.status).toBe(201);
  await p.send(Topics.crmAccounts, [
    { key: accountId, type: 'account.upserted', data: accountRecord(accountId, { updatedAt: earlier(day) }) },
  ]);
  // Titles that match nothing but the engagement rule.
  for (const [personId, jobTitle] of [
    ['p-cmo', 'CMO'],
    ['p-quiet', 'Office Manager'],
    ['p-late', 'Receptionist'],
  ] as const) {
    await p.send(Topics.crmPersons, [
      {
        key: personId,
        type: 'person.upserted',
        data: personRecord(personId, [accountId], { jobTitle, updatedAt: earlier(day) }),
      },
    ]);
  }
  await waitForGroup((v) => roleOf(v, 'p-cmo') === 'Decision Maker');
});

afterAll(async () => {
  await api?.stop();
  await scoring?.stop();
  await Promise.all([publicGroups?.stop(), engagement?.stop()]);
  await p?.stop();
});

describe('engagementScore in slot conditions', () => {
  it('the preview of an engagement rule promises the members the live groups then get', async () => {
    await meeting('q-1', 'p-quiet');
    await meeting('q-2', 'p-quiet');
    // The preview reads the scores scoring sent (40 now): it promises p-quiet as Champion.
    const promised = await eventually(async () => {
      const answer = await preview([cmo, engaged]);
      expect(answer.status).toBe(200);
      expect(answer.body.samples.membersAdded).toEqual([
        expect.objectContaining({ buyingGroupId: groupId, personId: 'p-quiet', role: 'Champion' }),
      ]);
      return answer.body;
    }, 30_000);
    expect(promised.members).toEqual({ added: 1, removed: 0, roleChanged: 0 });

    // The same rule goes live: exactly what the preview promised.
    const before = latest()!;
    const draft = await api.call('PUT', '/v1/role-templates/rt-eng', { json: { name: 'Eng', slots: [cmo, engaged] } });
    expect(draft.body.version).toBe(2);
    expect((await api.call('POST', '/v1/role-templates/rt-eng/publish')).status).toBe(200);
    const pinned = await api.call('PUT', '/v1/solution-interests/si-eng', {
      json: { name: 'Product E', roleTemplateId: 'rt-eng', audienceId: 'aud-eng' },
    });
    expect(pinned.body.roleTemplateVersion).toBe(2);
    await waitForGroup((v) => v.version > before.version && roleOf(v, 'p-quiet') !== undefined);
    const live = latest()!;
    const added = live.changes.filter((c) => c.kind === 'member.added');
    expect(added).toEqual([{ kind: 'member.added', personId: 'p-quiet', role: 'Champion', source: 'rule' }]);
    expect(live.members.find((m) => m.personId === 'p-quiet')!.reason.matched).toEqual([
      { field: 'engagementScore', op: 'gte', value: 40, actual: 40 },
    ]);
  });

  it('moves a person in as their engagement crosses the rule, and out again as it decays out of the window', async () => {
    await meeting('l-1', 'p-late');
    await engagement.waitFor(() => scoresSent('p-late').some((e) => e.score === 20), 30_000);
    // 20 is under the rule: no version places p-late.
    expect(roleOf(latest(), 'p-late')).toBeUndefined();

    await meeting('l-2', 'p-late');
    await waitForGroup((v) => roleOf(v, 'p-late') === 'Champion');
    const joined = latest()!;
    expect(joined.cause).toMatchObject({ eventId: 'crm-l-2', eventType: 'activity.recorded' });
    expect(joined.engagement.members).toEqual(expect.arrayContaining([{ personId: 'p-late', score: 40, weight: 60 }]));

    // A month later the meetings are out of the window: scoring's re-score sends 0, and both leave.
    clock = new Date(clock.getTime() + 31 * day);
    await waitForGroup((v) => roleOf(v, 'p-late') === undefined && roleOf(v, 'p-quiet') === undefined);
    expect(scoresSent('p-late').at(-1)).toMatchObject({ score: 0 });
    const left = versions().filter((v) =>
      v.changes.some((c) => c.kind === 'member.removed' && ['p-late', 'p-quiet'].includes(c.personId)),
    );
    expect(left.every((v) => v.cause.eventType === 'engagement.rescored')).toBe(true);
    expect(roleOf(latest(), 'p-cmo')).toBe('Decision Maker');

    // The preview agrees with the live group: the live rule, judged on the same scores, changes nothing.
    await eventually(async () => {
      const answer = await preview([cmo, engaged]);
      expect(answer.body.groups).toMatchObject({ changed: 0, unchanged: 1 });
    }, 30_000);
  });
});

describe('engagement scores in role-assignment', () => {
  it('keeps the newest version of a score whatever arrives after it: a redelivery or an older re-send changes nothing', async () => {
    const db = new pg.Pool({ connectionString: p.ctx.databaseUrl, options: '-c search_path=role_assignment' });
    try {
      const score = (personId: string, value: number, version: number) =>
        encodeEvent(internalEventTypes.personEngagementChanged, {
          id: `acc-direct:${personId}:e${version}`,
          key: 'acc-direct',
          source: 'bg/scoring',
          data: {
            accountId: 'acc-direct',
            personId,
            score: value,
            version,
            scoredAt: new Date().toISOString(),
            cause: { eventId: `crm-${personId}-${version}`, eventType: 'activity.recorded', source: 'crm/test' },
          },
        });
      const send = (...messages: ReturnType<typeof score>[]) =>
        p.producer.send({ topic: `${p.ctx.topicPrefix}${Topics.engagement}`, messages });
      const stored = async () =>
        (
          await db.query(
            `SELECT person_id, score, version FROM person_engagement WHERE account_id = 'acc-direct' ORDER BY person_id`,
          )
        ).rows;
      // One key, one partition: once a marker is stored, every earlier message was applied (each send its own chunk).
      await send(score('p-direct', 50, 2), score('p-direct', 50, 2), score('p-marker', 5, 1));
      await eventually(async () => expect(await stored()).toHaveLength(2));
      await send(score('p-direct', 10, 1), score('p-marker', 6, 2));
      await eventually(async () => expect((await stored())[1]).toMatchObject({ version: 2 }));
      expect(await stored()).toEqual([
        { person_id: 'p-direct', score: 50, version: 2 },
        { person_id: 'p-marker', score: 6, version: 2 },
      ]);
    } finally {
      await db.end();
    }
  });
});
