/**
 * Journeys in the loop (CONTRACT.md §7) through Kafka and HTTP, with ingestion, role-assignment and scoring running:
 * stage models, the stage by rule and by hand, a journey's status and stage commands, and a departed member.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Producer } from 'kafkajs';
import { buyingGroupId, journeyCommandTypes, Topics } from '@bg/contracts';
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
const workers: RunningWorker[] = [];

const SI = 'si-journeys';
const ACCOUNT = 'acc-j';
const group = buyingGroupId(SI, ACCOUNT);
const at = (minute: number) => new Date(Date.parse('2026-11-26T09:00:00.000Z') + minute * 60_000).toISOString();
const cmo = (accounts: string[], minute: number) =>
  personRecord('p-cmo', accounts, { jobTitle: 'Chief Marketing Officer', updatedAt: at(minute) });

async function publish(topic: string, type: string, key: string, data: unknown, id?: string) {
  await producer.send({
    topic: `${ctx.topicPrefix}${topic}`,
    messages: [{ key, value: crmEvent(type, data, id, 'journey/test') }],
  });
}
const snapshot = async (): Promise<Json> =>
  (await api.call('GET', `/v1/buying-groups/${group}`, { token: 'read' })).body;
const history = async (): Promise<Json[]> =>
  (await api.call('GET', `/v1/buying-groups/${group}/history?limit=500`, { token: 'read' })).body.items;
/** Waits until the group's latest version satisfies `check` (an assertion), and returns it. */
const groupWhen = (check: (g: Json) => void) =>
  eventually(async () => {
    const g = await snapshot();
    check(g);
    return g;
  });

beforeAll(async () => {
  ctx = await createTestContext();
  const logger = createLogger('test', ctx.env.LOG_LEVEL!);
  const fail = (error: unknown) => {
    throw error;
  };
  workers.push(await startIngestion(loadConfig(ingestionConfigSchema, ctx.env), logger, fail));
  workers.push(await startRoleAssignment(loadConfig(roleAssignmentConfigSchema, ctx.env), logger, fail));
  workers.push(await startScoring(loadConfig(scoringConfigSchema, ctx.env), logger, fail));
  api = await startApi(ctx);
  producer = await connectTestProducer(ctx.kafka);
});

afterAll(async () => {
  await api?.stop();
  for (const worker of workers.reverse()) await worker.stop();
  await producer?.disconnect();
});

describe('journeys in the loop', () => {
  it('stores stage models, refusing conditions on fields a group does not have', async () => {
    const bad = await api.call('PUT', '/v1/stage-models/sm-bad', {
      json: { name: 'Bad', stages: [{ name: 'A', when: { field: 'jobTitle', op: 'eq', value: 'x' } }] },
    });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(bad.text).toContain("unknown group field 'jobTitle'");

    const model = {
      name: 'Funnel',
      stages: [
        { name: 'Awareness' },
        { name: 'Evaluation', when: { field: 'completeness', op: 'gte', value: 50 } },
        { name: 'Decision', when: { field: 'missingRoleCount', op: 'eq', value: 0 } },
      ],
    };
    const put = await api.call('PUT', '/v1/stage-models/sm-1', { json: model });
    expect(put.status, put.text).toBe(201);
    const got = await api.call('GET', '/v1/stage-models/sm-1', { token: 'read' });
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ id: 'sm-1', ...model });
    expect((await api.call('PUT', '/v1/stage-models/sm-2', { json: model, token: 'read' })).status).toBe(403);
  });

  it('moves a group forward by rule when its completeness crosses a threshold', async () => {
    await api.call('PUT', '/v1/role-templates/rt-j', {
      json: {
        name: 'Journeys',
        slots: [
          {
            role: 'Decision Maker',
            required: true,
            conditions: { field: 'jobTitle', op: 'containsAny', value: ['Chief Marketing'] },
          },
          { role: 'Influencer', required: true, conditions: { field: 'jobTitle', op: 'hasWord', value: 'VP' } },
        ],
      },
    });
    expect((await api.call('POST', '/v1/role-templates/rt-j/publish')).status).toBe(200);
    await api.call('PUT', '/v1/account-audiences/aud-j', { json: { name: 'J', accountIds: [ACCOUNT] } });
    const unknownModel = await api.call('PUT', `/v1/solution-interests/${SI}`, {
      json: { name: 'Journeys', roleTemplateId: 'rt-j', audienceId: 'aud-j', stageModelId: 'sm-none' },
    });
    expect(unknownModel.status).toBe(400);
    expect(unknownModel.text).toContain("no stage model 'sm-none'");
    const si = await api.call('PUT', `/v1/solution-interests/${SI}`, {
      json: { name: 'Journeys', roleTemplateId: 'rt-j', audienceId: 'aud-j', stageModelId: 'sm-1' },
    });
    expect(si.status, si.text).toBe(201);
    expect(si.body.stageModelId).toBe('sm-1');

    await publish(Topics.crmAccounts, 'account.upserted', ACCOUNT, accountRecord(ACCOUNT, { updatedAt: at(0) }));
    await groupWhen((g) =>
      expect(g.stage).toMatchObject({ model: 'sm-1', name: 'Awareness', index: 0, source: 'rule' }),
    );
    await publish(Topics.crmPersons, 'person.upserted', 'p-cmo', cmo([ACCOUNT], 1));
    const g = await groupWhen((g) => expect(g.completeness.score).toBe(50));
    expect(g.stage).toMatchObject({ name: 'Evaluation', index: 1, source: 'rule' });
    expect(g.journeyStatus).toBeNull();
    expect((await history()).at(-1).changes).toContainEqual({
      kind: 'stage.changed',
      from: 'Awareness',
      to: 'Evaluation',
      source: 'rule',
    });
    const listed = await api.call('GET', '/v1/buying-groups?stage=Evaluation', { token: 'read' });
    expect(listed.body.items.map((i: Json) => i.buyingGroupId)).toEqual([group]);
    expect((await api.call('GET', '/v1/buying-groups?stage=Decision', { token: 'read' })).body.items).toEqual([]);
  });

  it('keeps an operator’s stage over the rule and a journey’s, until the operator hands it back', async () => {
    const unknown = await api.call('PUT', `/v1/buying-groups/${group}/stage`, { json: { stage: 'Closing' } });
    expect(unknown.status).toBe(400);
    expect(unknown.headers.get('content-type')).toContain('application/problem+json');
    expect(unknown.text).toContain("unknown stage 'Closing'");

    const set = await api.call('PUT', `/v1/buying-groups/${group}/stage`, { json: { stage: 'Awareness' } });
    expect(set.status, set.text).toBe(202);
    await groupWhen((g) => expect(g.stage).toMatchObject({ name: 'Awareness', source: 'manual' }));
    expect((await snapshot()).cause).toMatchObject({ eventId: set.body.commandId, eventType: 'operator.stage.set' });

    // A journey's stage does not override the operator's (manual > journey); its status, marking the order, does apply.
    await publish(Topics.journeyCommands, journeyCommandTypes.stageSet, ACCOUNT, {
      accountId: ACCOUNT,
      solutionInterestId: SI,
      stage: 'Decision',
      journeyId: 'j-1',
    });
    await publish(
      Topics.journeyCommands,
      journeyCommandTypes.statusSet,
      ACCOUNT,
      { accountId: ACCOUNT, solutionInterestId: SI, status: 'nurture', journeyId: 'j-1' },
      'cmd-status-1',
    );
    const withStatus = await groupWhen((g) => expect(g.journeyStatus).toBe('nurture'));
    expect(withStatus.stage).toMatchObject({ name: 'Awareness', source: 'manual' });
    expect(withStatus.cause).toEqual({
      eventId: 'cmd-status-1',
      eventType: journeyCommandTypes.statusSet,
      source: 'journey/test',
    });
    expect(withStatus.changes).toEqual([{ kind: 'journey-status.changed', from: null, to: 'nurture' }]);

    expect((await api.call('PUT', `/v1/buying-groups/${group}/stage`, { json: { stage: null } })).status).toBe(202);
    await groupWhen((g) => expect(g.stage).toMatchObject({ name: 'Evaluation', source: 'rule' }));
    const cleared = await api.call('PUT', `/v1/buying-groups/${group}/journey-status`, { json: { status: null } });
    expect(cleared.status).toBe(202);
    await groupWhen((g) => expect(g.journeyStatus).toBeNull());
    const tooLong = await api.call('PUT', `/v1/buying-groups/${group}/journey-status`, {
      json: { status: 'x'.repeat(51) },
    });
    expect(tooLong.status).toBe(400);
  });

  it('tells a journey where a member went when the person left the account', async () => {
    await publish(Topics.crmAccounts, 'account.upserted', 'acc-new', accountRecord('acc-new', { updatedAt: at(0) }));
    await publish(Topics.crmPersons, 'person.upserted', 'p-cmo', cmo(['acc-new'], 2));
    await groupWhen((g) => expect(g.members).toEqual([]));
    const removal = (await history()).flatMap((v) => v.changes).find((c: Json) => c.kind === 'member.removed');
    expect(removal).toEqual({
      kind: 'member.removed',
      personId: 'p-cmo',
      role: 'Decision Maker',
      source: 'rule',
      departure: { toAccountIds: ['acc-new'] },
    });
  });
});
