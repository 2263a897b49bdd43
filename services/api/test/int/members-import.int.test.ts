import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Producer } from 'kafkajs';
import { buyingGroupId, Topics } from '@bg/contracts';
import { connectTestProducer, createTestContext, TopicProbe, type TestContext } from '@bg/testing';
import {
  account,
  eventually,
  groupSnapshot,
  person,
  publishGroups,
  publishRecords,
  startApi,
  type Json,
  type RunningApi,
} from './support';

let ctx: TestContext;
let api: RunningApi;
let producer: Producer;
let commands: TopicProbe;

const groupId = buyingGroupId('si-m', 'acc-1');
const dissolvedId = buyingGroupId('si-m', 'acc-2');

type Command = { id: string; type: string; source: string; data: Record<string, Json> };
const commandsWhere = (predicate: (c: Command) => boolean) => commands.values<Command>().filter(predicate);

beforeAll(async () => {
  ctx = await createTestContext();
  producer = await connectTestProducer(ctx.kafka);
  commands = await new TopicProbe(ctx.kafka, `${ctx.topicPrefix}${Topics.memberCommands}`).start();
  api = await startApi(ctx);
  const dm = { role: 'Decision Maker', required: true, conditions: { field: 'jobTitle', op: 'hasWord', value: 'CTO' } };
  await api.call('PUT', '/v1/role-templates/rt-m', { json: { name: 'Buyers', slots: [dm] } });
  await api.call('POST', '/v1/role-templates/rt-m/publish');
  await api.call('PUT', '/v1/account-audiences/aud-m', { json: { name: 'Listed', accountIds: ['acc-1', 'acc-2'] } });
  expect(
    (
      await api.call('PUT', '/v1/solution-interests/si-m', {
        json: { name: 'Product M', roleTemplateId: 'rt-m', audienceId: 'aud-m' },
      })
    ).status,
  ).toBe(201);
  await publishRecords(producer, ctx.topicPrefix, {
    accounts: [account('acc-1'), account('acc-2'), account('acc-9')],
    persons: [
      person('p-cto', ['acc-1'], { jobTitle: 'CTO' }),
      person('p-ana', ['acc-1'], { email: 'Ana.Ruiz@Acme.example' }),
      person('p-far', ['acc-9']),
      person('p-twin1', ['acc-1'], { email: 'shared@acme.example' }),
      person('p-twin2', ['acc-1'], { email: 'shared@acme.example' }),
    ],
  });
  await publishGroups(producer, ctx.topicPrefix, [
    groupSnapshot({
      solutionInterestId: 'si-m',
      accountId: 'acc-1',
      missingRoles: [],
      completeness: 100,
      members: [{ personId: 'p-cto', role: 'Decision Maker' }],
    }),
    groupSnapshot({ solutionInterestId: 'si-m', accountId: 'acc-2', status: 'dissolved' }),
  ]);
  await eventually(async () => {
    expect((await api.call('GET', `/v1/buying-groups/${dissolvedId}`, { token: 'read' })).status).toBe(200);
    expect((await api.call('GET', '/v1/persons/p-twin2', { token: 'read' })).status).toBe(200);
    expect((await api.call('GET', '/v1/persons/p-far', { token: 'read' })).status).toBe(200);
  });
});

afterAll(async () => {
  await api?.stop();
  await commands?.stop();
  await producer?.disconnect();
});

describe('manual member edits', () => {
  it('answers 202 with what will happen and publishes a manual add command keyed by account', async () => {
    const answer = await api.call('POST', `/v1/buying-groups/${groupId}/members`, {
      json: { personId: 'p-ana', role: 'Influencer' },
    });
    expect(answer.status).toBe(202);
    expect(answer.body).toEqual({
      accepted: true,
      action: 'add',
      buyingGroupId: groupId,
      accountId: 'acc-1',
      solutionInterestId: 'si-m',
      personId: 'p-ana',
      role: 'Influencer',
      source: 'manual',
      commandId: expect.stringMatching(/^cmd-/),
      requestedAt: expect.any(String),
      expected: "p-ana will be added as 'Influencer' (manual), whatever the rules say",
    });
    await commands.waitFor(() => commandsWhere((c) => c.id === answer.body.commandId).length === 1);
    const message = commands.messages.find((m) => (m.json() as Command).id === answer.body.commandId)!;
    expect(message.key).toBe('acc-1');
    const command = message.json() as Command;
    expect(command.type).toBe('bg.member.command');
    expect(command.data).toEqual({
      accountId: 'acc-1',
      solutionInterestId: 'si-m',
      personId: 'p-ana',
      action: 'add',
      role: 'Influencer',
      source: 'manual',
      requestedAt: answer.body.requestedAt,
      // The public cause of the resulting version: the operator's action under its own name, not the internal hop.
      cause: { eventId: answer.body.commandId, eventType: 'operator.member.added', source: 'bg/api' },
    });
  });

  it('removes a member with their current role, and says so', async () => {
    const answer = await api.call('DELETE', `/v1/buying-groups/${groupId}/members/p-cto`);
    expect(answer.status).toBe(202);
    expect(answer.body).toMatchObject({
      action: 'remove',
      personId: 'p-cto',
      role: 'Decision Maker',
      source: 'manual',
    });
    expect(answer.body.expected).toContain("removed from 'Decision Maker'");
    await commands.waitFor(() => commandsWhere((c) => c.id === answer.body.commandId).length === 1);
    expect(commandsWhere((c) => c.id === answer.body.commandId)[0]!.data).toMatchObject({
      action: 'remove',
      role: 'Decision Maker',
      personId: 'p-cto',
      cause: { eventId: answer.body.commandId, eventType: 'operator.member.removed' },
    });
  });

  it('says when the person is not linked to the account yet', async () => {
    const answer = await api.call('POST', `/v1/buying-groups/${groupId}/members`, {
      json: { personId: 'p-far', role: 'Champion' },
    });
    expect(answer.status).toBe(202);
    expect(answer.body.expected).toContain('not linked to account acc-1');
  });

  it('refuses unknown groups, persons and roles, dissolved groups, bad bodies and read tokens', async () => {
    const add = (id: string, json: unknown, token: 'admin' | 'read' = 'admin') =>
      api.call('POST', `/v1/buying-groups/${id}/members`, { json, token });
    const unknownGroup = await add('bg-unknown', { personId: 'p-ana', role: 'Influencer' });
    expect(unknownGroup.status).toBe(404);
    expect(unknownGroup.body.detail).toContain('bg-unknown');
    const unknownPerson = await add(groupId, { personId: 'p-nobody', role: 'Influencer' });
    expect(unknownPerson.status).toBe(404);
    expect(unknownPerson.body.detail).toContain('p-nobody');
    const unknownRole = await add(groupId, { personId: 'p-ana', role: 'Boss' });
    expect(unknownRole.status).toBe(400);
    expect(unknownRole.body.errors).toEqual([
      { path: 'body.role', message: expect.stringContaining("unknown role 'Boss'") },
    ]);
    const missing = await add(groupId, { role: 'Influencer' });
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toEqual([{ path: 'body.personId', message: 'is required' }]);
    expect((await add(dissolvedId, { personId: 'p-ana', role: 'Influencer' })).status).toBe(409);
    expect((await add(groupId, { personId: 'p-ana', role: 'Influencer' }, 'read')).status).toBe(403);
    expect((await api.call('DELETE', `/v1/buying-groups/${groupId}/members/p-nobody`)).status).toBe(404);
    expect((await api.call('DELETE', `/v1/buying-groups/${groupId}/members/p-ana`, { token: 'read' })).status).toBe(
      403,
    );
    const csv = await api.call('POST', `/v1/buying-groups/${groupId}/members`, {
      body: 'personId,role',
      contentType: 'text/csv',
    });
    expect(csv.status).toBe(415);
  });
});

describe('import', () => {
  const importFile = (body: string | Readable, contentType: string, token: 'admin' | 'read' = 'admin') =>
    fetch(`${api.url}/v1/imports/buying-groups`, {
      method: 'POST',
      headers: { authorization: `Bearer ${api.tokens[token]}`, 'content-type': contentType },
      body: typeof body === 'string' ? body : (Readable.toWeb(body) as ReadableStream),
      duplex: 'half',
    } as RequestInit);

  it('accepts good CSV rows as import commands and reports each bad row by line (header = line 1)', async () => {
    const csv = [
      'accountId,solutionInterestId,personId,email,role',
      'acc-1,si-m,p-ana,,Champion',
      'acc-1,si-m,,ana.ruiz@acme.EXAMPLE,Influencer',
      'acc-1,si-m,p-ana,,Boss',
      'acc-1,si-m,p-ghost,,Champion',
      '',
      'acc-404,si-x,,nobody@acme.example,Champion',
      'acc-1,si-m,,shared@acme.example,Champion',
      'acc-1,si-m,,,',
      'acc-1,si-m,"p-ana"x,,Champion',
      'acc-1,si-m,p-cto,,Decision Maker',
      'acc-1,si-m,"p-ana,,Champion',
      'acc-1,si-m,p-ana,,Champion',
    ].join('\r\n');
    const response = await importFile(csv, 'text/csv');
    expect(response.status).toBe(200);
    const answer = (await response.json()) as {
      importId: string;
      accepted: number;
      rejected: { line: number; reason: string }[];
    };
    expect(answer.accepted).toBe(3);
    expect(answer.rejected).toEqual([
      { line: 4, reason: "unknown role 'Boss'" },
      { line: 5, reason: "unknown person 'p-ghost'" },
      {
        line: 7,
        reason:
          "unknown account 'acc-404'; unknown solution interest 'si-x'; no person with email 'nobody@acme.example'",
      },
      {
        line: 8,
        reason: expect.stringContaining("email 'shared@acme.example' belongs to several persons (p-twin1, p-twin2)"),
      },
      { line: 9, reason: 'personId or email is missing; role is missing' },
      { line: 10, reason: 'unknown person \'"p-ana"x\'' },
      {
        line: 12,
        reason: expect.stringMatching(/^CSV syntax error, lines 12 to 13 could not be read: Quote Not Closed/),
      },
    ]);
    await commands.waitFor(() => commandsWhere((c) => c.id.startsWith(answer.importId)).length === 3);
    const imported = commandsWhere((c) => c.id.startsWith(answer.importId));
    expect(imported.map((c) => [c.id.slice(answer.importId.length), c.data.personId, c.data.role]).sort()).toEqual([
      [':11', 'p-cto', 'Decision Maker'],
      [':2', 'p-ana', 'Champion'],
      [':3', 'p-ana', 'Influencer'],
    ]);
    expect(
      imported.every((c) => c.data.source === 'import' && c.data.action === 'add' && c.data.accountId === 'acc-1'),
    ).toBe(true);
    expect(imported.map((c) => c.data.cause)).toEqual(
      imported.map((c) => ({ eventId: c.id, eventType: 'operator.member.imported', source: 'bg/api' })),
    );
  });

  it('accepts NDJSON the same way, counting blank lines, and reports unreadable lines', async () => {
    const ndjson = [
      JSON.stringify({ accountId: 'acc-1', solutionInterestId: 'si-m', personId: 'p-ana', role: 'Practitioner' }),
      '{"accountId": "acc-1", ',
      '',
      JSON.stringify(['acc-1', 'si-m']),
      JSON.stringify({ accountId: 'acc-1', solutionInterestId: 'si-m', email: 'ANA.RUIZ@acme.example', role: 'Other' }),
      JSON.stringify({ accountId: 42, solutionInterestId: 'si-m', personId: 'p-ana', role: 'Other' }),
      JSON.stringify({ accountId: 'acc-1', solutionInterestId: 'si-m', personId: 'p-ana', role: 'Boss' }),
    ].join('\n');
    const response = await importFile(ndjson, 'application/x-ndjson');
    expect(response.status).toBe(200);
    const answer = (await response.json()) as { accepted: number; rejected: { line: number; reason: string }[] };
    expect(answer.accepted).toBe(2);
    expect(answer.rejected).toEqual([
      { line: 2, reason: expect.stringContaining('not valid JSON') },
      { line: 4, reason: expect.stringContaining('expected an object') },
      { line: 6, reason: 'accountId must be text' },
      { line: 7, reason: "unknown role 'Boss'" },
    ]);
  });

  it('streams a 10k-row file', async () => {
    const rows = 10_000;
    async function* lines() {
      yield 'accountId,solutionInterestId,personId,role\n';
      for (let i = 0; i < rows; i += 500) {
        yield Array.from(
          { length: 500 },
          (_, j) => `acc-1,si-m,p-ana,${(i + j) % 1000 === 999 ? 'Boss' : 'Champion'}\n`,
        ).join('');
      }
    }
    const response = await importFile(Readable.from(lines()), 'text/csv');
    expect(response.status).toBe(200);
    const answer = (await response.json()) as { accepted: number; rejected: { line: number; reason: string }[] };
    expect(answer.accepted).toBe(rows - 10);
    expect(answer.rejected).toHaveLength(10);
    expect(answer.rejected[0]).toEqual({ line: 1001, reason: "unknown role 'Boss'" });
  });

  it('refuses other content types, a header without the needed columns, an empty file and read tokens', async () => {
    const json = await importFile('{"accountId": "acc-1"}', 'application/json');
    expect(json.status).toBe(415);
    expect(json.headers.get('content-type')).toContain('application/problem+json');
    expect(((await json.json()) as { detail: string }).detail).toContain('text/csv');
    const header = await importFile('account,person,role\nacc-1,p-ana,Champion\n', 'text/csv');
    expect(header.status).toBe(400);
    expect(((await header.json()) as { detail: string }).detail).toContain(
      'missing: accountId, solutionInterestId, personId or email',
    );
    expect((await importFile('', 'text/csv')).status).toBe(400);
    expect((await importFile('accountId,solutionInterestId,personId,role\n', 'text/csv', 'read')).status).toBe(403);
  });
});
