import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { listServices } from '@bg/infra';
import { defineDemoComponents } from './demo-components';
import { demoAccounts, demoActivities, demoPersons, demoSolutionInterestId, wonDealHistory } from './demo-dataset';
import type { LocalSettings } from './settings';
import type { LocalTokens } from './tokens';

const ce = (type: string, data: object) =>
  JSON.stringify({
    specversion: '1.0',
    id: `demo-${randomUUID()}`,
    type,
    source: 'crm/demo',
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    data,
  });

/**
 * Loads the demo through the public contract only: components through the HTTP API (when the API service is part of
 * the stack), CRM records on the inbound topics — exactly what a real CRM and operator would do.
 */
export async function loadDemo(opts: {
  brokers: string;
  settings: LocalSettings;
  tokens: LocalTokens;
  say: (l: string) => void;
}): Promise<string> {
  const { settings, tokens, say } = opts;
  const withApi = listServices().some((s) => s.name === 'api');
  if (withApi) {
    const api = `http://127.0.0.1:${settings.apiPort}`;
    await waitFor(`${api}/readyz`, 60_000);
    const writes = await defineDemoComponents(api, tokens.admin);
    say(
      writes.length > 0
        ? `demo components defined through the API: ${writes.join(', ')}`
        : 'demo components already defined; nothing written',
    );
  }
  const kafka = new Kafka({ clientId: 'bg-demo', brokers: opts.brokers.split(','), logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  await producer.connect();
  const topic = (t: string) => `${settings.topicPrefix}${t}`;
  await producer.send({
    topic: topic('crm.accounts.v1'),
    messages: demoAccounts.map((a) => ({ key: a.accountId, value: ce('account.upserted', a) })),
  });
  await producer.send({
    topic: topic('crm.persons.v1'),
    messages: demoPersons.map((p) => ({ key: p.personId, value: ce('person.upserted', p) })),
  });
  await producer.send({
    topic: topic('crm.activities.v1'),
    messages: demoActivities.map((a) => ({ key: a.personId, value: ce('activity.recorded', a) })),
  });
  const history = wonDealHistory(new Date());
  await producer.send({
    topic: topic('crm.accounts.v1'),
    messages: history.accounts.map((a) => ({ key: a.accountId, value: ce('account.upserted', a) })),
  });
  await producer.send({
    topic: topic('crm.persons.v1'),
    messages: history.persons.map((p) => ({ key: p.personId, value: ce('person.upserted', p) })),
  });
  await producer.send({
    topic: topic('crm.opportunities.v1'),
    messages: history.opportunities.map((o) => ({ key: o.opportunityId, value: ce('opportunity.upserted', o) })),
  });
  await producer.disconnect();
  const won = history.opportunities.filter((o) => o.stage === 'won').length;
  const summary =
    `${demoAccounts.length} accounts, ${demoPersons.length} people, ${demoActivities.length} activities published; ` +
    `history for the AI model: ${history.accounts.length} past customers, ${won} won deals with contact roles`;
  say(`demo loaded: ${summary}`);
  return withApi
    ? `${summary}; solution interest '${demoSolutionInterestId}' defined`
    : `${summary} (no API service yet, so no components defined)`;
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
