import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { demoAccounts, demoActivities, demoAudience, demoPersons, demoRoleTemplate, demoSolutionInterest } from './demo-dataset';
import type { LocalSettings } from './settings';
import type { LocalTokens } from './tokens';
import { listServices } from './services';

const ce = (type: string, data: object) =>
  JSON.stringify({ specversion: '1.0', id: `demo-${randomUUID()}`, type, source: 'crm/demo', time: new Date().toISOString(), datacontenttype: 'application/json', data });

/**
 * Loads the demo through the public contract only: components through the HTTP API (when the API service is part of
 * the stack), CRM records on the inbound topics — exactly what a real CRM and operator would do.
 */
export async function loadDemo(opts: { brokers: string; settings: LocalSettings; tokens: LocalTokens; say: (l: string) => void }): Promise<string> {
  const { settings, tokens, say } = opts;
  const withApi = listServices().some((s) => s.name === 'api');
  if (withApi) await defineComponents(`http://127.0.0.1:${settings.apiPort}`, tokens.admin, say);
  const kafka = new Kafka({ clientId: 'bg-demo', brokers: opts.brokers.split(','), logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  await producer.connect();
  const topic = (t: string) => `${settings.topicPrefix}${t}`;
  await producer.send({ topic: topic('crm.accounts.v1'), messages: demoAccounts.map((a) => ({ key: a.accountId, value: ce('account.upserted', a) })) });
  await producer.send({ topic: topic('crm.persons.v1'), messages: demoPersons.map((p) => ({ key: p.personId, value: ce('person.upserted', p) })) });
  await producer.send({ topic: topic('crm.activities.v1'), messages: demoActivities.map((a) => ({ key: a.personId, value: ce('activity.recorded', a) })) });
  await producer.disconnect();
  const summary = `${demoAccounts.length} accounts, ${demoPersons.length} people, ${demoActivities.length} activities published`;
  say(`demo loaded: ${summary}`);
  return withApi ? `${summary}; solution interest 'si-devtools' defined` : `${summary} (no API service yet, so no components defined)`;
}

async function defineComponents(api: string, token: string, say: (l: string) => void): Promise<void> {
  await waitFor(`${api}/readyz`, 60_000);
  const call = async (method: string, path: string, body?: object) => {
    const response = await fetch(`${api}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!response.ok) throw new Error(`${method} ${path} → ${response.status}: ${await response.text()}`);
    return response.json() as Promise<Record<string, unknown>>;
  };
  await call('PUT', '/v1/role-templates/rt-devtools', demoRoleTemplate);
  await call('POST', '/v1/role-templates/rt-devtools/publish');
  await call('PUT', '/v1/account-audiences/aud-1m', demoAudience);
  await call('PUT', '/v1/solution-interests/si-devtools', demoSolutionInterest);
  say('demo components defined through the API');
}

async function waitFor(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${url} did not become ready within ${timeoutMs} ms`);
}
