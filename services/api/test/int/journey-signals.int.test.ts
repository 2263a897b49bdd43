/**
 * Journeys in the loop, part 2 (CONTRACT.md §7) through Kafka and HTTP, with ingestion, role-assignment and scoring
 * running: opportunities on the CRM topic moving a group's stage and listed with the group; signals (stalled groups,
 * disengaged members) under scoring's test clock, judged by its periodic pass and on every change.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Producer } from 'kafkajs';
import pg from 'pg';
import { buyingGroupId, Topics } from '@bg/contracts';
import { createLogger, loadConfig, type RunningWorker } from '@bg/service-kit';
import {
  accountRecord,
  connectTestProducer,
  createTestContext,
  crmEvent,
  personRecord,
  type TestContext,
} from '@bg/testing';
import { ingestionConfigSchema } from '../../../ingestion/src/config';
import { startIngestion } from '../../../ingestion/src/app';
import { roleAssignmentConfigSchema } from '../../../role-assignment/src/config';
import { startRoleAssignment } from '../../../role-assignment/src/app';
import { scoringConfigSchema } from '../../../scoring/src/config';
import { startScoring } from '../../../scoring/src/app';
import { eventually, startApi, type Json, type RunningApi } from './support';

let ctx: TestContext;
let api: RunningApi;
let producer: Producer;
let scoringDb: pg.Pool;
const workers: RunningWorker[] = [];

const minute = 60_000;
const day = 24 * 60 * minute;
const start = Date.now();
const at = (minutes: number) => new Date(start + minutes * minute).toISOString();
/** Scoring's clock (scores, stages, signals), moved by hand; the other services run on the real one. */
let clock = new Date(start);

/** Moves scoring's clock and waits for a whole periodic pass (re-score, then the signals check) at the new time. */
async function advance(ms: number) {
  clock = new Date(clock.getTime() + ms);
  await vi.waitFor(
    async () => {
      const { rows } = await scoringDb.query('SELECT scored_at FROM rescore_runs');
      expect(rows[0]?.scored_at?.getTime()).toBe(clock.getTime());
    },
    { timeout: 30_000, interval: 50 },
  );
}

async function publish(topic: string, type: string, key: string, data: unknown, id?: string) {
  await producer.send({ topic: `${ctx.topicPrefix}${topic}`, messages: [{ key, value: crmEvent(type, data, id) }] });
}
const snapshotOf = async (group: string): Promise<Json> =>
  (await api.call('GET', `/v1/buying-groups/${group}`, { token: 'read' })).body;
const historyOf = async (group: string): Promise<Json[]> =>
  (await api.call('GET', `/v1/buying-groups/${group}/history?limit=500`, { token: 'read' })).body.items;
/** Waits until the group's latest version satisfies `check` (an assertion), and returns it. */
const groupWhen = (group: string, check: (g: Json) => void) =>
  eventually(async () => {
    const g = await snapshotOf(group);
    check(g);
    return g;
  });

/** A template, an audience of these accounts, and a solution interest using them (with `extra` fields). */
async function solutionInterest(id: string, accounts: string[], extra: Record<string, unknown>) {
  const template = await api.call('PUT', `/v1/role-templates/rt-${id}`, {
    json: {
      name: id,
      slots: [
        { role: 'Decision Maker', required: true, conditions: { field: 'jobTitle', op: 'hasWord', value: 'Chief' } },
      ],
    },
  });
  expect(template.status, template.text).toBe(201);
  expect((await api.call('POST', `/v1/role-templates/rt-${id}/publish`)).status).toBe(200);
  await api.call('PUT', `/v1/account-audiences/aud-${id}`, { json: { name: id, accountIds: accounts } });
  const si = await api.call('PUT', `/v1/solution-interests/${id}`, {
    json: { name: id, roleTemplateId: `rt-${id}`, audienceId: `aud-${id}`, ...extra },
  });
  expect(si.status, si.text).toBe(201);
  return si;
}

beforeAll(async () => {
  ctx = await createTestContext();
  const logger = createLogger('test', ctx.env.LOG_LEVEL!);
  const fail = (error: unknown) => {
    throw error;
  };
  workers.push(await startIngestion(loadConfig(ingestionConfigSchema, ctx.env), logger, fail));
  workers.push(await startRoleAssignment(loadConfig(roleAssignmentConfigSchema, ctx.env), logger, fail));
  workers.push(
    await startScoring(loadConfig(scoringConfigSchema, { ...ctx.env, RESCORE_INTERVAL_MS: '100' }), logger, fail, {
      now: () => clock,
    }),
  );
  api = await startApi(ctx);
  producer = await connectTestProducer(ctx.kafka);
  scoringDb = new pg.Pool({ connectionString: ctx.databaseUrl, options: '-c search_path=scoring' });
});

afterAll(async () => {
  await api?.stop();
  for (const worker of workers.reverse()) await worker.stop();
  await producer?.disconnect();
  await scoringDb?.end();
});

describe('opportunities linked to groups', () => {
  const SI = 'si-deal';
  const ACCOUNT = 'acc-deal';
  const group = buyingGroupId(SI, ACCOUNT);
  const opportunity = (opportunityId: string, stage: string, minutes: number, solutionInterestId: string = SI) => ({
    opportunityId,
    accountId: ACCOUNT,
    solutionInterestId,
    productName: 'Product X',
    stage,
    ...(stage === 'open' ? {} : { closedAt: at(minutes) }),
    updatedAt: at(minutes),
  });
  const send = (data: ReturnType<typeof opportunity>, id: string) =>
    publish(Topics.crmOpportunities, 'opportunity.upserted', ACCOUNT, data, id);

  it('moves a rule-driven stage by the open count and the stage of the latest opportunity of its solution interest', async () => {
    const model = await api.call('PUT', '/v1/stage-models/sm-deal', {
      json: {
        name: 'Deal',
        stages: [
          { name: 'Prospect' },
          { name: 'Pipeline', when: { field: 'openOpportunityCount', op: 'gte', value: 1 } },
          { name: 'Customer', when: { field: 'opportunityStage', op: 'eq', value: 'won' } },
        ],
      },
    });
    expect(model.status, model.text).toBe(201);
    await solutionInterest(SI, [ACCOUNT], { stageModelId: 'sm-deal' });
    await publish(Topics.crmAccounts, 'account.upserted', ACCOUNT, accountRecord(ACCOUNT, { updatedAt: at(0) }));
    await groupWhen(group, (g) => expect(g.stage).toMatchObject({ name: 'Prospect', source: 'rule' }));

    await send(opportunity('opp-1', 'open', 1), 'opp-evt-1');
    const pipeline = await groupWhen(group, (g) => expect(g.stage).toMatchObject({ name: 'Pipeline' }));
    expect(pipeline.cause).toMatchObject({ eventId: 'opp-evt-1', eventType: 'opportunity.upserted' });
    expect(pipeline.changes).toEqual([{ kind: 'stage.changed', from: 'Prospect', to: 'Pipeline', source: 'rule' }]);

    await send(opportunity('opp-1', 'won', 2), 'opp-evt-2');
    await groupWhen(group, (g) => expect(g.stage).toMatchObject({ name: 'Customer' }));

    // Another solution interest's opportunity, and an open one older than the won deal: the stage stays, no version.
    await send(opportunity('opp-x', 'lost', 3, 'si-other'), 'opp-evt-3');
    await send(opportunity('opp-2', 'open', 1.5), 'opp-evt-4');
    // The latest is lost now, one is still open: back to Pipeline.
    await send(opportunity('opp-3', 'lost', 4), 'opp-evt-5');
    const last = await groupWhen(group, (g) => expect(g.stage).toMatchObject({ name: 'Pipeline' }));
    const causes = (await historyOf(group)).map((v) => v.cause.eventId);
    expect(causes.filter((id) => id.startsWith('opp-evt'))).toEqual(['opp-evt-1', 'opp-evt-2', 'opp-evt-5']);

    const linked = await eventually(async () => {
      const g = await snapshotOf(group);
      expect(g.opportunities).toHaveLength(3);
      return g.opportunities;
    });
    expect(last.version).toBe(4);
    expect(linked).toEqual([
      { opportunityId: 'opp-3', stage: 'lost', productName: 'Product X', closedAt: at(4), updatedAt: at(4) },
      { opportunityId: 'opp-1', stage: 'won', productName: 'Product X', closedAt: at(2), updatedAt: at(2) },
      { opportunityId: 'opp-2', stage: 'open', productName: 'Product X', closedAt: null, updatedAt: at(1.5) },
    ]);
  });
});

describe('an opportunity that moves to another account', () => {
  const SI = 'si-move';
  const FROM = 'acc-move-from';
  const TO = 'acc-move-to';

  it("leaves the old account's count and joins the new one's, each group a version caused by it", async () => {
    const model = await api.call('PUT', '/v1/stage-models/sm-move', {
      json: {
        name: 'Move',
        stages: [
          { name: 'Prospect' },
          { name: 'Pipeline', when: { field: 'openOpportunityCount', op: 'gte', value: 1 } },
        ],
      },
    });
    expect(model.status, model.text).toBe(201);
    await solutionInterest(SI, [FROM, TO], { stageModelId: 'sm-move' });
    for (const account of [FROM, TO])
      await publish(Topics.crmAccounts, 'account.upserted', account, accountRecord(account, { updatedAt: at(0) }));
    const deal = (accountId: string, minutes: number) => ({
      opportunityId: 'opp-move',
      accountId,
      solutionInterestId: SI,
      productName: 'Product M',
      stage: 'open',
      updatedAt: at(minutes),
    });
    // Keyed by opportunity id, as the contract says: both copies go to one partition, in order.
    await publish(Topics.crmOpportunities, 'opportunity.upserted', 'opp-move', deal(FROM, 1), 'move-evt-1');
    await groupWhen(buyingGroupId(SI, FROM), (g) => expect(g.stage).toMatchObject({ name: 'Pipeline' }));
    // The new account's group must be published before the move: a group's first version is role-assignment's, and it
    // carries role-assignment's cause with whatever stage the facts give then (under load it came after the move).
    await groupWhen(buyingGroupId(SI, TO), (g) => expect(g.stage).toMatchObject({ name: 'Prospect' }));

    await publish(Topics.crmOpportunities, 'opportunity.upserted', 'opp-move', deal(TO, 2), 'move-evt-2');
    const to = await groupWhen(buyingGroupId(SI, TO), (g) => expect(g.stage).toMatchObject({ name: 'Pipeline' }));
    const from = await groupWhen(buyingGroupId(SI, FROM), (g) => expect(g.stage).toMatchObject({ name: 'Prospect' }));
    expect(to.cause).toMatchObject({ eventId: 'move-evt-2' });
    expect(from.cause).toMatchObject({ eventId: 'move-evt-2' });
    expect(from.changes).toEqual([{ kind: 'stage.changed', from: 'Pipeline', to: 'Prospect', source: 'rule' }]);
  });
});

describe('signals', () => {
  const SI = 'si-signals';
  const ACCOUNT = 'acc-signals';
  const group = buyingGroupId(SI, ACCOUNT);
  const chief = (personId: string, jobTitle: string) =>
    publish(
      Topics.crmPersons,
      'person.upserted',
      personId,
      personRecord(personId, [ACCOUNT], { jobTitle, updatedAt: new Date().toISOString() }),
    );
  const activity = (activityId: string, personId: string) =>
    publish(Topics.crmActivities, 'activity.recorded', ACCOUNT, {
      activityId,
      personId,
      accountId: ACCOUNT,
      activityType: 'meeting.completed',
      occurredAt: clock.toISOString(),
    });
  const changesOf = async (kind: string) =>
    (await historyOf(group)).flatMap((v) =>
      v.changes.filter((c: Json) => c.kind === kind).map((c: Json) => ({ v, c })),
    );
  /** The version scoring last published of the group: a pass that published nothing leaves it where it was. */
  const publishedVersion = async () =>
    (await scoringDb.query('SELECT version FROM groups WHERE buying_group_id = $1', [group])).rows[0]?.version;
  const listed = async (stalled: boolean) =>
    (
      await api.call('GET', `/v1/buying-groups?solutionInterestId=${SI}&stalled=${stalled}`, { token: 'read' })
    ).body.items.map((g: Json) => g.buyingGroupId);

  it('stalls a group without progress once, and unstalls it at its next new member; filters by stalled', async () => {
    const si = await solutionInterest(SI, [ACCOUNT], { signals: { stalledAfterDays: 14, disengagedAfterDays: 30 } });
    expect(si.body.signals).toEqual({ stalledAfterDays: 14, disengagedAfterDays: 30 });
    const bad = await api.call('PUT', `/v1/solution-interests/${SI}-bad`, {
      json: { name: 'x', roleTemplateId: `rt-${SI}`, audienceId: `aud-${SI}`, signals: { stalledAfterDays: 0 } },
    });
    expect(bad.status).toBe(400);
    expect((await api.call('GET', '/v1/buying-groups?stalled=maybe', { token: 'read' })).status).toBe(400);

    await publish(Topics.crmAccounts, 'account.upserted', ACCOUNT, accountRecord(ACCOUNT, { updatedAt: at(0) }));
    await chief('p-cmo', 'Chief Marketing Officer');
    await groupWhen(group, (g) => expect(g.members.map((m: Json) => m.personId)).toEqual(['p-cmo']));
    expect((await snapshotOf(group)).signals).toEqual({ stalled: false, disengaged: [] });

    await advance(14 * day - minute);
    expect(await changesOf('group.stalled')).toEqual([]);
    await advance(minute);
    const stalled = await groupWhen(group, (g) => expect(g.signals.stalled).toBe(true));
    expect(stalled.changes).toEqual([{ kind: 'group.stalled' }]);
    expect(stalled.cause).toMatchObject({ eventType: 'signals.checked', source: 'bg/scoring' });
    await eventually(async () => expect(await listed(true)).toEqual([group]));
    expect(await listed(false)).toEqual([]);

    // Further passes do not repeat it.
    await advance(day);
    expect(await publishedVersion()).toBe(stalled.version);
    expect(await changesOf('group.stalled')).toHaveLength(1);
    // Nor does a change that is not progress: the group stays stalled, without a second group.stalled.
    const status = await api.call('PUT', `/v1/buying-groups/${group}/journey-status`, { json: { status: 'nurture' } });
    expect(status.status, status.text).toBe(202);
    const nurtured = await groupWhen(group, (g) => expect(g.journeyStatus).toBe('nurture'));
    expect(nurtured.changes).toEqual([{ kind: 'journey-status.changed', from: null, to: 'nurture' }]);
    expect(nurtured.signals.stalled).toBe(true);

    await chief('p-cro', 'Chief Revenue Officer');
    const unstalled = await groupWhen(group, (g) => expect(g.members).toHaveLength(2));
    expect(unstalled.signals.stalled).toBe(false);
    expect(unstalled.changes).toContainEqual({ kind: 'group.unstalled' });
    expect(unstalled.changes).toContainEqual(expect.objectContaining({ kind: 'member.added', personId: 'p-cro' }));
    await eventually(async () => expect(await listed(false)).toEqual([group]));
    expect(await listed(true)).toEqual([]);
  });

  it('disengages a member without activity once, and reengages them at their next activity', async () => {
    // The clock is 15 days on; p-cmo and p-cro took their roles (role-assignment's real clock) within a minute or so of
    // the start. p-cmo's activity now keeps them engaged.
    await activity('act-1', 'p-cmo');
    await groupWhen(group, (g) => expect(g.engagement.score).toBeGreaterThan(0));

    await advance(15 * day + 10 * minute);
    const disengaged = await groupWhen(group, (g) => expect(g.signals.disengaged).toEqual(['p-cro']));
    expect(disengaged.changes).toContainEqual({
      kind: 'member.disengaged',
      personId: 'p-cro',
      role: 'Decision Maker',
      lastActivityAt: null,
    });
    await advance(day);
    expect(await publishedVersion()).toBe(disengaged.version);
    expect(await changesOf('member.disengaged')).toHaveLength(1);

    const activeAt = clock.toISOString();
    await activity('act-2', 'p-cro');
    const reengaged = await groupWhen(group, (g) => expect(g.signals.disengaged).toEqual([]));
    expect(reengaged.changes).toContainEqual({
      kind: 'member.reengaged',
      personId: 'p-cro',
      role: 'Decision Maker',
      lastActivityAt: activeAt,
    });
    expect(reengaged.cause).toMatchObject({ eventType: 'activity.recorded' });
    expect(await changesOf('member.reengaged')).toHaveLength(1);
  });
});

describe('days since the last activity', () => {
  const SI = 'si-quiet';
  const ACCOUNT = 'acc-quiet';
  const group = buyingGroupId(SI, ACCOUNT);

  it('puts a group in a stage by the days since its members last acted, judged when a version is made', async () => {
    const model = await api.call('PUT', '/v1/stage-models/sm-quiet', {
      json: {
        name: 'Quiet',
        stages: [{ name: 'Active' }, { name: 'Quiet', when: { field: 'daysSinceLastActivity', op: 'gte', value: 20 } }],
      },
    });
    expect(model.status, model.text).toBe(201);
    await solutionInterest(SI, [ACCOUNT], { stageModelId: 'sm-quiet' });
    await publish(Topics.crmAccounts, 'account.upserted', ACCOUNT, accountRecord(ACCOUNT, { updatedAt: at(0) }));
    await publish(
      Topics.crmPersons,
      'person.upserted',
      'p-quiet',
      personRecord('p-quiet', [ACCOUNT], { jobTitle: 'Chief Quiet Officer', updatedAt: new Date().toISOString() }),
    );
    await groupWhen(group, (g) => expect(g.members).toHaveLength(1));
    await publish(Topics.crmActivities, 'activity.recorded', ACCOUNT, {
      activityId: 'quiet-1',
      personId: 'p-quiet',
      accountId: ACCOUNT,
      activityType: 'meeting.completed',
      occurredAt: clock.toISOString(),
    });
    const active = await groupWhen(group, (g) => expect(g.engagement.score).toBeGreaterThan(0));
    expect(active.stage).toMatchObject({ name: 'Active' });

    // 31 days on, the activity leaves the engagement window: the re-score's version re-judges the stage.
    await advance(31 * day);
    const quiet = await groupWhen(group, (g) => expect(g.engagement.score).toBe(0));
    expect(quiet.stage).toMatchObject({ name: 'Quiet', source: 'rule' });
    expect(quiet.cause).toMatchObject({ eventType: 'engagement.rescored' });
  });
});

describe('OpenAPI', () => {
  it('documents the stalled filter, the signals of a solution interest and of a version, and the linked opportunities', async () => {
    const docs = (await api.call('GET', '/docs', { token: 'read' })).body;
    const list = docs.paths['/v1/buying-groups'].get;
    expect(list.parameters.map((p: Json) => p.name)).toContain('stalled');
    const group = docs.components.schemas.BuyingGroup;
    expect(Object.keys(group.properties)).toEqual(expect.arrayContaining(['signals', 'opportunities']));
    expect(JSON.stringify(group)).toContain('member.disengaged');
    const si = docs.paths['/v1/solution-interests/{id}'].put.requestBody.content['application/json'].schema;
    expect(JSON.stringify(si)).toContain('stalledAfterDays');
  });
});
