import type { Kafka } from 'kafkajs';
import { audienceRuleSchema, roleSlotSchema, Topics, type AccountUpserted, type PersonUpserted } from '@bg/contracts';
import type { OracleSolutionInterest } from '@bg/rules';
import { EventProducer } from '@bg/kafka';
import { crmEvent } from '@bg/testing';

/** The solution interest that the chaos run and the cluster test load and check against the oracle. */
export const scenarioInterestId = 'si-chaos';

// What the template, audience and solution interest are, as an operator defines them through the API.
const template = {
  name: 'Chaos buyers',
  slots: [
    // Capped: who stays when more match is decided by precedence, then time in the slot, then personId.
    {
      role: 'Decision Maker',
      weight: 100,
      required: true,
      minMembers: 1,
      maxMembers: 2,
      conditions: { field: 'jobTitle', op: 'hasAnyWord', value: ['CTO', 'CMO', 'CISO', 'Chief'] },
    },
    {
      role: 'Influencer',
      weight: 80,
      required: true,
      minMembers: 1,
      maxMembers: 3,
      conditions: { field: 'seniority', op: 'in', value: ['VP', 'Director'] },
    },
    {
      role: 'Practitioner',
      weight: 60,
      required: false,
      minMembers: 2,
      conditions: { field: 'jobTitle', op: 'containsAny', value: ['Engineer', 'Developer', 'Analyst'] },
    },
  ],
};
const audience = { name: 'Revenue over 1M', conditions: { field: 'annualRevenue', op: 'gt', value: 1_000_000 } };

/**
 * Defines the template, the audience and the solution interest through the API with `adminToken`, as an operator
 * would; returns a line saying what was defined.
 */
export async function defineScenario(apiUrl: string, adminToken: string): Promise<string> {
  const call = async (method: string, path: string, body?: object) => {
    const response = await fetch(`${apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${adminToken}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!response.ok) throw new Error(`${method} ${path} → ${response.status}: ${await response.text()}`);
    return (await response.json()) as Record<string, unknown>;
  };
  await call('PUT', '/v1/role-templates/rt-chaos', template);
  const published = await call('POST', '/v1/role-templates/rt-chaos/publish');
  await call('PUT', '/v1/account-audiences/aud-chaos', audience);
  await call('PUT', `/v1/solution-interests/${scenarioInterestId}`, {
    name: 'Chaos Cloud',
    roleTemplateId: 'rt-chaos',
    roleTemplateVersion: published.version,
    audienceId: 'aud-chaos',
    memberScope: 'account-and-descendants',
  });
  return `template rt-chaos v${String(published.version)} (Decision Maker capped at 2, Influencer at 3), audience aud-chaos (revenue > 1M), solution interest ${scenarioInterestId} (account and descendants)`;
}

/** The scenario's solution interest as the from-scratch oracle takes it. */
export function scenarioOracleInterest(): OracleSolutionInterest {
  return {
    solutionInterestId: scenarioInterestId,
    memberScope: 'account-and-descendants',
    template: { slots: template.slots.map((s) => roleSlotSchema.parse(s)) },
    audience: audienceRuleSchema.parse({ conditions: audience.conditions }),
  };
}

/** Publishes the initial CRM records (accounts, or people), a thousand per send, as a CRM would. */
export async function publishRecords(
  kafka: Kafka,
  records: { accounts: readonly AccountUpserted[] } | { persons: readonly PersonUpserted[] },
): Promise<void> {
  const [topic, type, list] =
    'accounts' in records
      ? [Topics.crmAccounts, 'account.upserted', records.accounts.map((a) => ({ key: a.accountId, data: a }))]
      : [Topics.crmPersons, 'person.upserted', records.persons.map((p) => ({ key: p.personId, data: p }))];
  const producer = new EventProducer(kafka, '');
  await producer.connect();
  try {
    for (let i = 0; i < list.length; i += 1_000) {
      await producer.send(
        list
          .slice(i, i + 1_000)
          .map((r) => ({ topic, key: r.key, value: crmEvent(type, r.data, undefined, 'crm/chaos') })),
      );
    }
  } finally {
    await producer.disconnect();
  }
}
