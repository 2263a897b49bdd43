/**
 * Journeys in the loop, part 2 (CONTRACT.md §7) through Kafka and HTTP, with ingestion, role-assignment and scoring
 * running: opportunities on the CRM topic moving a group's stage and listed with the group.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Producer } from 'kafkajs';
import { buyingGroupId, Topics } from '@bg/contracts';
import { createLogger, loadConfig, type RunningWorker } from '@bg/service-kit';
import { accountRecord, connectTestProducer, createTestContext, crmEvent, type TestContext } from '@bg/testing';
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

const minute = 60_000;
const start = Date.now();
const at = (minutes: number) => new Date(start + minutes * minute).toISOString();

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
  workers.push(await startScoring(loadConfig(scoringConfigSchema, ctx.env), logger, fail));
  api = await startApi(ctx);
  producer = await connectTestProducer(ctx.kafka);
});

afterAll(async () => {
  await api?.stop();
  for (const worker of workers.reverse()) await worker.stop();
  await producer?.disconnect();
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
