/**
 * CONTRACT.md §8 end to end, through Kafka and HTTP: won opportunities on crm.opportunities.v1 → ingestion → the API's
 * projection → a generated template with its justification → published and used by a solution interest with
 * aiSuggestions → role-assignment places a person whose misspelt title no rule matches, with source `ai`, the model's
 * version and confidence → a manual removal of that person sticks when the person changes again, and when new won
 * deals retrain the model and the suggestions follow its new version.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Producer } from 'kafkajs';
import { buyingGroupId, Topics, type OpportunityUpserted, type PersonUpserted } from '@bg/contracts';
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

const now = new Date();
const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000).toISOString();

// Twelve won deals, one per account: a chief, a VP and two engineers each, titles in several spellings.
const chiefs = ['Chief Technology Officer', 'CTO', 'Chief Information Officer', 'CIO'];
const vps = ['VP Engineering', 'Vice President, Engineering', 'VP of Engineering', 'SVP Engineering'];
const engineers = ['Software Engineer', 'Senior Software Engineer', 'Software Developer', 'Platform Engineer'];
const trainingAccounts = Array.from({ length: 12 }, (_, i) => `acc-won-${i}`);
const trainingPeople: PersonUpserted[] = trainingAccounts.flatMap((accountId, i) => [
  staff(`p-${i}-chief`, accountId, chiefs[i % 4]!, 'C-Level', 'IT'),
  staff(`p-${i}-vp`, accountId, vps[i % 4]!, 'VP', 'Engineering'),
  staff(`p-${i}-eng-a`, accountId, engineers[i % 4]!, 'Individual Contributor', 'Engineering'),
  staff(`p-${i}-eng-b`, accountId, engineers[(i + 1) % 4]!, 'Individual Contributor', 'Engineering'),
]);
const roleOf = (personId: string) =>
  personId.endsWith('chief') ? 'Decision Maker' : personId.endsWith('vp') ? 'Influencer' : 'Practitioner';
const opportunities: OpportunityUpserted[] = trainingAccounts.map((accountId, i) => ({
  opportunityId: `opp-${i}`,
  accountId,
  solutionInterestId: null,
  productName: 'Dev Platform',
  stage: 'won',
  closedAt: daysAgo(30 + i),
  contactRoles: trainingPeople
    .filter((p) => p.accounts[0]!.accountId === accountId)
    .map((p) => ({ personId: p.personId, role: roleOf(p.personId) })),
  updatedAt: daysAgo(1),
}));

// The target account: a CTO the rules place, and an engineer whose misspelt title and missing fields no rule matches.
const TARGET = 'acc-target';
const cto = staff('p-target-cto', TARGET, 'Chief Technology Officer', 'C-Level', 'IT');
const typo: PersonUpserted = { ...staff('p-target-typo', TARGET, 'Sofware Enginer', null, null) };
const typo2: PersonUpserted = { ...staff('p-target-typo2', TARGET, 'Sofware Developr', null, null) };
const SI = 'si-ai';
const group = buyingGroupId(SI, TARGET);

function staff(
  personId: string,
  accountId: string,
  jobTitle: string,
  seniority: string | null,
  department: string | null,
) {
  return personRecord(personId, [accountId], { jobTitle, seniority, department, updatedAt: daysAgo(2) });
}

async function publish(topic: string, type: string, records: { key: string; data: unknown }[]) {
  await producer.send({
    topic: `${ctx.topicPrefix}${topic}`,
    messages: records.map((r) => ({ key: r.key, value: crmEvent(type, r.data) })),
  });
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
  api = await startApi(ctx, { AI_RETRAIN_DEBOUNCE_MS: '200' });
  producer = await connectTestProducer(ctx.kafka);
});

afterAll(async () => {
  await api?.stop();
  for (const worker of workers.reverse()) await worker.stop();
  await producer?.disconnect();
});

describe('buying groups generated from AI/ML', () => {
  it('answers 422 saying how much data there is and how much is needed, before there are won deals', async () => {
    const answer = await api.call('POST', '/v1/role-templates/rt-ai/generate', { json: { minSupport: 2 } });
    expect(answer.status).toBe(422);
    expect(answer.headers.get('content-type')).toContain('application/problem+json');
    expect(answer.body.detail).toMatch(/0 won opportunities .* at least 10 opportunities/);
    const invalid = await api.call('POST', '/v1/role-templates/rt-ai/generate', { json: { minSupport: 0 } });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors[0].path).toBe('body.minSupport');
    expect((await api.call('POST', '/v1/role-templates/rt-ai/generate', { token: 'read' })).status).toBe(403);
  });

  it('generates a draft template with its justification from won opportunities', async () => {
    await publish(Topics.crmAccounts, 'account.upserted', [
      ...[...trainingAccounts, TARGET].map((id) => ({ key: id, data: accountRecord(id, { updatedAt: daysAgo(3) }) })),
    ]);
    await publish(Topics.crmPersons, 'person.upserted', [
      ...[...trainingPeople, cto, typo, typo2].map((p) => ({ key: p.personId, data: p })),
    ]);
    await publish(
      Topics.crmOpportunities,
      'opportunity.upserted',
      opportunities.map((o) => ({ key: o.opportunityId, data: o })),
    );
    const generated = await eventually(async () => {
      const answer = await api.call('POST', '/v1/role-templates/rt-ai/generate', { json: { minSupport: 2 } });
      expect(answer.status, answer.text).toBe(201);
      // Opportunities and people come on different topics and partitions: wait until the model has them all, or a
      // deal whose people are not projected yet would train a smaller model than the one asserted below.
      expect(answer.body.justification.trainedOn.opportunities).toBe(12);
      expect(answer.body.justification.trainedOn.people).toBe(trainingPeople.length);
      return answer.body as Json;
    });
    expect(generated.status).toBe('draft');
    expect(generated.slots.map((s: Json) => s.role)).toEqual(['Decision Maker', 'Influencer', 'Practitioner']);
    for (const [index, slot] of (generated.justification.slots as Json[]).entries()) {
      expect(slot.role).toBe(generated.slots[index].role);
      expect(slot.wonDeals).toBe(12);
      expect(slot.support).toBeGreaterThanOrEqual(2);
      expect(slot.predicates.length).toBeGreaterThan(0);
      for (const predicate of slot.predicates) expect(predicate.confidence).toBeGreaterThan(0.5);
    }
    // Roles in every won deal are required and Vital.
    expect(generated.slots.every((s: Json) => s.required && s.weight === 100)).toBe(true);
    expect(generated.justification.model).toMatch(/^nb1-/);
    // The rules miss the misspelt engineer: that is what suggestions are for.
    expect(JSON.stringify(generated.slots)).not.toContain('Sofware');
  });

  it('places a person no rule matches with source ai and the model confidence, and a manual removal sticks', async () => {
    expect((await api.call('POST', '/v1/role-templates/rt-ai/publish')).status).toBe(200);
    const audience = await api.call('PUT', '/v1/account-audiences/aud-ai', {
      json: { name: 'Target', accountIds: [TARGET] },
    });
    expect(audience.status).toBe(201);
    const si = await api.call('PUT', `/v1/solution-interests/${SI}`, {
      json: {
        name: 'Dev Platform',
        roleTemplateId: 'rt-ai',
        audienceId: 'aud-ai',
        aiSuggestions: { minConfidence: 0.6 },
      },
    });
    expect(si.status, si.text).toBe(201);
    expect(si.body.aiSuggestions).toEqual({ minConfidence: 0.6 });

    // The deals arrived over several chunks, so more than one model may have been trained on the way (each a
    // debounce apart). Role-assignment may place the person with an earlier one and judge the group again when the
    // newest reaches it: wait for the suggestion made by the model the API holds now.
    const { model, suggested } = await eventually(async () => {
      const held = await api.call('GET', '/v1/ai/model', { token: 'read' });
      expect(held.status).toBe(200);
      const answer = await api.call('GET', `/v1/buying-groups/${group}`, { token: 'read' });
      expect(answer.status).toBe(200);
      const member = (answer.body.members as Json[]).find((m) => m.personId === typo.personId);
      expect(member?.reason.model).toBe(held.body.version);
      return { model: held.body as Json, suggested: { members: answer.body.members as Json[], member } };
    });
    expect(model.trainedOn.opportunities).toBe(12);
    expect(model.roles.map((r: Json) => r.role)).toEqual(['Decision Maker', 'Influencer', 'Practitioner']);

    expect(suggested.members.find((m) => m.personId === cto.personId)).toMatchObject({
      role: 'Decision Maker',
      source: 'rule',
    });
    expect(suggested.member).toMatchObject({ role: 'Practitioner', source: 'ai' });
    expect(suggested.member.reason.confidence).toBeGreaterThanOrEqual(0.6);
    expect(suggested.member.reason.because[0]).toMatchObject({ field: 'jobTitle' });

    // Dismissed: a manual removal.
    expect((await api.call('DELETE', `/v1/buying-groups/${group}/members/${typo.personId}`)).status).toBe(202);
    await eventually(async () => {
      const answer = await api.call('GET', `/v1/buying-groups/${group}`, { token: 'read' });
      expect((answer.body.members as Json[]).some((m) => m.personId === typo.personId)).toBe(false);
      expect(answer.body.removedMembers).toContainEqual(
        expect.objectContaining({ personId: typo.personId, source: 'manual', role: 'Practitioner' }),
      );
    });
    // The person changes; once role-assignment has judged the change, the removal still holds.
    await publish(Topics.crmPersons, 'person.upserted', [
      { key: typo.personId, data: { ...typo, country: 'DE', updatedAt: daysAgo(0) } },
    ]);
    const sql = (text: string, values: unknown[]) => api.app.db.query(text, values);
    await eventually(async () => {
      const { rows } = await sql(
        `SELECT person->>'country' AS country FROM role_assignment.account_people WHERE person_id = $1`,
        [typo.personId],
      );
      expect(rows[0]?.country).toBe('DE');
    });
    const { rows } = await sql(
      `SELECT source, removed FROM role_assignment.group_members WHERE solution_interest_id = $1 AND person_id = $2`,
      [SI, typo.personId],
    );
    expect(rows).toEqual([{ source: 'manual', removed: true }]);
  });

  it('retrains when opportunities change, and the suggestions follow the new model while the removal still holds', async () => {
    const before = (await api.call('GET', '/v1/ai/model', { token: 'read' })).body as Json;
    // Two more won deals, of people already known: the model is retrained (debounced) without being asked.
    await publish(Topics.crmOpportunities, 'opportunity.upserted', [
      ...[12, 13].map((i) => ({
        key: `opp-${i}`,
        data: { ...opportunities[i - 12]!, opportunityId: `opp-${i}`, closedAt: daysAgo(5), updatedAt: daysAgo(0) },
      })),
    ]);
    const after = await eventually(async () => {
      const answer = await api.call('GET', '/v1/ai/model', { token: 'read' });
      expect(answer.body.trainedOn.opportunities).toBe(14);
      return answer.body as Json;
    });
    expect(after.version).not.toBe(before.version);
    const members = await eventually(async () => {
      const answer = await api.call('GET', `/v1/buying-groups/${group}`, { token: 'read' });
      const member = (answer.body.members as Json[]).find((m) => m.personId === typo2.personId);
      expect(member?.reason.model).toBe(after.version);
      return answer.body as Json;
    });
    expect(members.members.find((m: Json) => m.personId === typo2.personId)).toMatchObject({
      role: 'Practitioner',
      source: 'ai',
    });
    // The whole group was judged again with the new model: the dismissed suggestion stays dismissed.
    expect(members.members.some((m: Json) => m.personId === typo.personId)).toBe(false);
    expect(members.removedMembers).toContainEqual(
      expect.objectContaining({ personId: typo.personId, source: 'manual' }),
    );
  });

  it('retrains when a contact of a won deal arrives after the deal', async () => {
    const before = (await api.call('GET', '/v1/ai/model', { token: 'read' })).body as Json;
    expect(before.trainedOn.opportunities).toBe(14);
    const late = staff(
      'p-late-eng',
      trainingAccounts[0]!,
      'Platform Engineer',
      'Individual Contributor',
      'Engineering',
    );
    await publish(Topics.crmOpportunities, 'opportunity.upserted', [
      {
        key: 'opp-late',
        data: {
          ...opportunities[0]!,
          opportunityId: 'opp-late',
          contactRoles: [{ personId: late.personId, role: 'Practitioner' }],
          closedAt: daysAgo(4),
          updatedAt: daysAgo(0),
        },
      },
    ]);
    await eventually(async () => {
      const { rows } = await api.app.db.query(`SELECT 1 FROM opportunities WHERE opportunity_id = 'opp-late'`);
      expect(rows).toHaveLength(1);
    });
    // Let the deal's own retraining pass (five debounces): it learns nothing, as its one contact is not known yet.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await publish(Topics.crmPersons, 'person.upserted', [{ key: late.personId, data: late }]);
    await eventually(async () => {
      const answer = await api.call('GET', '/v1/ai/model', { token: 'read' });
      expect(answer.body.trainedOn).toMatchObject({ opportunities: 15, people: before.trainedOn.people + 1 });
    });
  });

  it('retrains on request (202) and documents every AI route in the OpenAPI document', async () => {
    expect((await api.call('POST', '/v1/ai/model/retrain', { token: 'read' })).status).toBe(403);
    const accepted = await api.call('POST', '/v1/ai/model/retrain');
    expect(accepted.status).toBe(202);
    const docs = (await api.call('GET', '/docs', { token: 'read' })).body as Json;
    expect(Object.keys(docs.paths)).toEqual(
      expect.arrayContaining(['/v1/role-templates/{id}/generate', '/v1/ai/model', '/v1/ai/model/retrain']),
    );
    expect(JSON.stringify(docs.components.schemas.SolutionInterest)).toContain('aiSuggestions');
  });
});
