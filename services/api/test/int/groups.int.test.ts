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
  type GroupSpec,
  type RunningApi,
} from './support';

let ctx: TestContext;
let api: RunningApi;
let producer: Producer;

const accounts = [
  account('acc-1', { name: 'Acme', annualRevenue: 25_000_000 }),
  account('acc-1a', { name: 'Acme Labs', parentAccountId: 'acc-1', annualRevenue: 500_000 }),
  account('acc-2', { name: 'Globex', annualRevenue: 5_000_000 }),
  account('acc-3', { name: 'Initech', annualRevenue: 800_000 }),
];
const persons = [
  person('p-cto', ['acc-1'], { jobTitle: 'CTO', seniority: 'C-Level' }),
  person('p-vp', ['acc-1'], { jobTitle: 'VP Engineering', seniority: 'VP' }),
  person('p-dev', ['acc-1a'], { jobTitle: 'Engineer' }),
  person('p-cmo', ['acc-2'], { jobTitle: 'CMO', seniority: 'C-Level', email: 'Cmo@Globex.example' }),
  {
    ...person('p-eng', ['acc-2']),
    accounts: [
      { accountId: 'acc-2', relationship: 'employee' },
      { accountId: 'acc-3', relationship: 'contractor' },
    ],
  },
];
const specs = {
  acme: {
    solutionInterestId: 'si-a',
    accountId: 'acc-1',
    completeness: 100,
    engagement: 60,
    members: [
      { personId: 'p-cto', role: 'Decision Maker' },
      { personId: 'p-vp', role: 'Influencer', source: 'manual' },
    ],
    removedMembers: [{ personId: 'p-dev', role: 'Practitioner', source: 'manual' }],
  },
  globex: {
    solutionInterestId: 'si-a',
    accountId: 'acc-2',
    completeness: 33,
    engagement: 20,
    missingRoles: ['Decision Maker'],
    members: [{ personId: 'p-eng', role: 'Practitioner' }],
  },
  initech: {
    solutionInterestId: 'si-a',
    accountId: 'acc-3',
    completeness: 0,
    engagement: 0,
    missingRoles: ['Decision Maker', 'Influencer'],
  },
  labs: { solutionInterestId: 'si-a', accountId: 'acc-1a', completeness: 0, missingRoles: ['Decision Maker'] },
  acmeB: {
    solutionInterestId: 'si-b',
    accountId: 'acc-1',
    completeness: 40,
    engagement: 80,
    missingRoles: ['Decision Maker'],
    members: [{ personId: 'p-cto', role: 'Influencer' }],
  },
} satisfies Record<string, GroupSpec>;
const groups = [
  groupSnapshot(specs.acme),
  groupSnapshot(specs.globex),
  groupSnapshot(specs.initech),
  groupSnapshot(specs.labs),
  groupSnapshot({ ...specs.labs, version: 2, status: 'dissolved' }),
  groupSnapshot(specs.acmeB),
];
const id = (si: string, acc: string) => buyingGroupId(si, acc);

type Summary = { buyingGroupId: string; completeness: number; version: number };
const list = async (query: string, token: 'read' | 'admin' = 'read') =>
  api.call('GET', `/v1/buying-groups${query}`, { token });
const idsOf = (items: Summary[]) => items.map((g) => g.buyingGroupId).sort();

beforeAll(async () => {
  ctx = await createTestContext();
  producer = await connectTestProducer(ctx.kafka);
  api = await startApi(ctx);
  await publishRecords(producer, ctx.topicPrefix, { accounts, persons });
  await publishGroups(producer, ctx.topicPrefix, groups);
  // Fed through Kafka on several partitions, applied in no order across them: wait for every group's last version
  // (the API's consumers join their group first, which under stress -c 2 took more than 20 s).
  const lastVersions = new Map(groups.map((g) => [g.buyingGroupId, g.version]));
  await eventually(async () => {
    expect((await api.call('GET', '/v1/persons/p-eng', { token: 'read' })).body?.accounts).toHaveLength(2);
    for (const [groupId, version] of lastVersions) {
      expect((await api.call('GET', `/v1/buying-groups/${groupId}`, { token: 'read' })).body?.version, groupId).toBe(
        version,
      );
    }
  }, 90_000);
}, 120_000);

afterAll(async () => {
  await api?.stop();
  await producer?.disconnect();
});

describe('listing groups', () => {
  it('answers the workflow query "Decision Maker missing and completeness < 50" in one call', async () => {
    const answer = await list('?missingRole=Decision%20Maker&completenessLt=50');
    expect(answer.status).toBe(200);
    expect(idsOf(answer.body.items)).toEqual([id('si-a', 'acc-2'), id('si-a', 'acc-3'), id('si-b', 'acc-1')].sort());
    expect(answer.body.nextCursor).toBeNull();
    const globex = answer.body.items.find((g: Summary) => g.buyingGroupId === id('si-a', 'acc-2'));
    expect(globex).toEqual({
      buyingGroupId: id('si-a', 'acc-2'),
      accountId: 'acc-2',
      accountName: 'Globex',
      solutionInterestId: 'si-a',
      name: 'si-a for Account acc-2',
      version: 1,
      status: 'active',
      completeness: 33,
      engagement: 20,
      missingRoles: ['Decision Maker'],
      memberCount: 1,
      updatedAt: groups[1]!.computedAt,
    });
  });

  it('applies each filter, with status active by default', async () => {
    const cases: [string, string[]][] = [
      ['', [id('si-a', 'acc-1'), id('si-a', 'acc-2'), id('si-a', 'acc-3'), id('si-b', 'acc-1')]],
      ['?solutionInterestId=si-b', [id('si-b', 'acc-1')]],
      ['?accountId=acc-1', [id('si-a', 'acc-1'), id('si-b', 'acc-1')]],
      ['?missingRole=Influencer', [id('si-a', 'acc-3')]],
      ['?completenessGte=40', [id('si-a', 'acc-1'), id('si-b', 'acc-1')]],
      ['?completenessLt=33', [id('si-a', 'acc-3')]],
      ['?engagementGte=60', [id('si-a', 'acc-1'), id('si-b', 'acc-1')]],
      ['?status=dissolved', [id('si-a', 'acc-1a')]],
      ['?status=all&solutionInterestId=si-a&completenessLt=1', [id('si-a', 'acc-1a'), id('si-a', 'acc-3')]],
      ['?solutionInterestId=si-a&engagementGte=10&completenessLt=50', [id('si-a', 'acc-2')]],
    ];
    for (const [query, expected] of cases) {
      const answer = await list(query);
      expect(answer.status, query).toBe(200);
      expect(idsOf(answer.body.items), query).toEqual([...expected].sort());
    }
  });

  it('pages by cursor without repeating or skipping a group while groups change between pages', async () => {
    const all = idsOf((await list('?status=all')).body.items);
    expect(all).toHaveLength(5);
    const first = await list('?status=all&limit=2');
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));

    // Every group gets a new version between the pages; the keyset (buyingGroupId) does not move.
    await publishGroups(producer, ctx.topicPrefix, [
      groupSnapshot({ ...specs.globex, version: 2, completeness: 67 }),
      groupSnapshot({ ...specs.acmeB, version: 2, completeness: 100 }),
      groupSnapshot({ ...specs.initech, version: 2, completeness: 50 }),
    ]);
    await eventually(async () =>
      expect((await api.call('GET', `/v1/buying-groups/${id('si-a', 'acc-3')}`, { token: 'read' })).body.version).toBe(
        2,
      ),
    );

    const seen = [...first.body.items.map((g: Summary) => g.buyingGroupId)];
    let cursor: string | null = first.body.nextCursor;
    while (cursor) {
      const page = await list(`?status=all&limit=2&cursor=${cursor}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((g: Summary) => g.buyingGroupId));
      cursor = page.body.nextCursor;
    }
    expect(seen).toHaveLength(5);
    expect([...seen].sort()).toEqual(all);
    expect(seen).toEqual([...seen].sort());
  });

  it('rejects bad query values and unknown parameters with 400 problems naming them', async () => {
    const cases: [string, string, string][] = [
      ['?limit=501', 'query.limit', 'at most 500'],
      ['?limit=0', 'query.limit', 'from 1 to 500'],
      ['?limit=ten', 'query.limit', 'whole number'],
      ['?completenessLt=abc', 'query.completenessLt', 'number from 0 to 100'],
      ['?engagementGte=101', 'query.engagementGte', 'from 0 to 100'],
      ['?status=archived', 'query.status', "'active', 'dissolved' or 'all'"],
      ['?missingrole=Decision%20Maker', 'query.missingrole', "unknown query parameter 'missingrole'"],
      ['?cursor=not-a-cursor', 'query.cursor', 'nextCursor'],
    ];
    for (const [query, path, message] of cases) {
      const answer = await list(query);
      expect(answer.status, query).toBe(400);
      expect(answer.headers.get('content-type'), query).toContain('application/problem+json');
      expect(answer.body.errors, query).toEqual([{ path, message: expect.stringContaining(message) }]);
    }
  });
});

describe('one group', () => {
  it('shows the latest snapshot as published, and ignores an older version arriving late', async () => {
    const snapshot = groups[0]!;
    const v3 = groupSnapshot({ ...specs.acme, version: 3, completeness: 50 });
    await publishGroups(producer, ctx.topicPrefix, [v3]);
    await eventually(async () =>
      expect(
        (await api.call('GET', `/v1/buying-groups/${snapshot.buyingGroupId}`, { token: 'read' })).body.version,
      ).toBe(3),
    );
    // Version 2 arrives after version 3, in a later chunk: history gains it, the snapshot stays at 3.
    await publishGroups(producer, ctx.topicPrefix, [groupSnapshot({ ...specs.acme, version: 2, completeness: 0 })]);
    await eventually(async () => {
      const history = await api.call('GET', `/v1/buying-groups/${snapshot.buyingGroupId}/history`, { token: 'read' });
      expect(history.body.items.map((e: { version: number }) => e.version)).toEqual([1, 2, 3]);
    });
    const detail = await api.call('GET', `/v1/buying-groups/${snapshot.buyingGroupId}`, { token: 'read' });
    // As published, plus the opportunities linked to the group (none here).
    expect(detail.body).toEqual({ ...v3, opportunities: [] });

    const history = await api.call('GET', `/v1/buying-groups/${snapshot.buyingGroupId}/history?limit=2`, {
      token: 'read',
    });
    // History holds what each version changed and its scores; the members are the latest version's alone.
    expect(history.body.items[0]).toEqual({
      version: 1,
      name: snapshot.name,
      status: 'active',
      completeness: { score: 100 },
      engagement: { score: 60 },
      missingRoles: [],
      changes: [{ kind: 'group.created' }],
      cause: snapshot.cause,
      computedAt: snapshot.computedAt,
    });
    expect(history.body.items).toHaveLength(2);
    const rest = await api.call(
      'GET',
      `/v1/buying-groups/${snapshot.buyingGroupId}/history?cursor=${history.body.nextCursor}`,
      { token: 'read' },
    );
    expect(rest.body.items).toEqual([
      expect.objectContaining({ version: 3, completeness: { score: 50 }, computedAt: v3.computedAt }),
    ]);
    expect(rest.body.items[0]).not.toHaveProperty('members');
    expect(rest.body.nextCursor).toBeNull();
  });

  it('shows a snapshot exactly as §3 has it, dissolved ones included, and 404 for an unknown id', async () => {
    const dissolved = await api.call('GET', `/v1/buying-groups/${id('si-a', 'acc-1a')}`, { token: 'read' });
    expect(dissolved.body).toEqual({ ...groups[4], opportunities: [] });
    const unknown = await api.call('GET', '/v1/buying-groups/bg-nope', { token: 'read' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.detail).toContain('bg-nope');
    expect((await api.call('GET', '/v1/buying-groups/bg-nope/history', { token: 'read' })).status).toBe(404);
  });
});

describe('accounts and persons', () => {
  it('shows an account with its parent, children and groups', async () => {
    const parent = await api.call('GET', '/v1/accounts/acc-1', { token: 'read' });
    expect(parent.status).toBe(200);
    expect(parent.body.account).toMatchObject({ accountId: 'acc-1', name: 'Acme', deleted: false });
    expect(parent.body.parent).toBeNull();
    expect(parent.body.children).toEqual([{ accountId: 'acc-1a', name: 'Acme Labs' }]);
    expect(parent.body.groups.map((g: Summary) => g.buyingGroupId).sort()).toEqual(
      [id('si-a', 'acc-1'), id('si-b', 'acc-1')].sort(),
    );
    const child = await api.call('GET', '/v1/accounts/acc-1a', { token: 'read' });
    expect(child.body.parent).toEqual({ accountId: 'acc-1', name: 'Acme' });
    expect(child.body.groups[0]).toMatchObject({ status: 'dissolved' });
    expect((await api.call('GET', '/v1/accounts/acc-404', { token: 'read' })).status).toBe(404);
  });

  it('shows a person with their accounts, memberships across groups and explicit removals', async () => {
    const cto = await api.call('GET', '/v1/persons/p-cto', { token: 'read' });
    expect(cto.body.person).toMatchObject({ personId: 'p-cto', jobTitle: 'CTO', deleted: false });
    expect(cto.body.accounts).toEqual([{ accountId: 'acc-1', name: 'Acme', relationship: 'employee' }]);
    const memberships = cto.body.memberships.map((m: { solutionInterestId: string; role: string }) => [
      m.solutionInterestId,
      m.role,
    ]);
    expect(memberships.sort()).toEqual([
      ['si-a', 'Decision Maker'],
      ['si-b', 'Influencer'],
    ]);
    const eng = await api.call('GET', '/v1/persons/p-eng', { token: 'read' });
    expect(eng.body.accounts).toEqual([
      { accountId: 'acc-2', name: 'Globex', relationship: 'employee' },
      { accountId: 'acc-3', name: 'Initech', relationship: 'contractor' },
    ]);
    const dev = await api.call('GET', '/v1/persons/p-dev', { token: 'read' });
    expect(dev.body.memberships).toEqual([]);
    expect(dev.body.removedFrom).toEqual([
      expect.objectContaining({ buyingGroupId: id('si-a', 'acc-1'), role: 'Practitioner', source: 'manual' }),
    ]);
    expect((await api.call('GET', '/v1/persons/p-404', { token: 'read' })).status).toBe(404);
  });
});

describe('preview', () => {
  let componentEvents: TopicProbe;

  beforeAll(async () => {
    componentEvents = await new TopicProbe(ctx.kafka, `${ctx.topicPrefix}${Topics.components}`).start();
    const dm = {
      role: 'Decision Maker',
      required: true,
      conditions: { field: 'jobTitle', op: 'hasAnyWord', value: ['CTO', 'CMO'] },
    };
    await api.call('PUT', '/v1/role-templates/rt-p', { json: { name: 'Buyers', slots: [dm] } });
    await api.call('POST', '/v1/role-templates/rt-p/publish');
    await api.call('PUT', '/v1/account-audiences/aud-p', {
      json: { name: 'Over 1M', conditions: { field: 'annualRevenue', op: 'gt', value: 1_000_000 } },
    });
    const si = await api.call('PUT', '/v1/solution-interests/si-p', {
      json: { name: 'Product P', roleTemplateId: 'rt-p', audienceId: 'aud-p' },
    });
    expect(si.status).toBe(201);
    await componentEvents.waitFor((m) => m.some((e) => e.key === 'si-p'));
  });

  afterAll(async () => {
    await componentEvents?.stop();
  });

  const preview = (body: unknown) => api.call('POST', '/v1/solution-interests/si-p/preview', { json: body });

  it('counts and samples the members a candidate template would add, changing nothing', async () => {
    const influencer = { role: 'Influencer', conditions: { field: 'seniority', op: 'eq', value: 'VP' } };
    const dm = {
      role: 'Decision Maker',
      required: true,
      conditions: { field: 'jobTitle', op: 'hasAnyWord', value: ['CTO', 'CMO'] },
    };
    const answer = await preview({ roleTemplate: { slots: [dm, influencer] } });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      solutionInterestId: 'si-p',
      candidate: { roleTemplate: true, audience: false },
      accountsEvaluated: 4,
      complete: true,
      groups: { created: 0, dissolved: 0, changed: 1, unchanged: 1 },
      members: { added: 1, removed: 0, roleChanged: 0 },
    });
    expect(answer.body.samples.membersAdded).toEqual([
      {
        buyingGroupId: id('si-p', 'acc-1'),
        accountId: 'acc-1',
        accountName: 'Acme',
        personId: 'p-vp',
        role: 'Influencer',
      },
    ]);
    const si = await api.call('GET', '/v1/solution-interests/si-p', { token: 'read' });
    expect(si.body.roleTemplateVersion).toBe(1);
    expect(componentEvents.messages.filter((m) => m.key === 'si-p')).toHaveLength(1);
  });

  it('counts the groups a candidate audience would create and dissolve, with their members', async () => {
    const wider = await preview({ audience: { conditions: { field: 'annualRevenue', op: 'gt', value: 600_000 } } });
    expect(wider.body).toMatchObject({
      groups: { created: 1, dissolved: 0, changed: 0, unchanged: 2 },
      members: { added: 0 },
    });
    expect(wider.body.samples.groupsCreated).toEqual([
      { buyingGroupId: id('si-p', 'acc-3'), accountId: 'acc-3', accountName: 'Initech', members: 0 },
    ]);
    const narrower = await preview({ audience: { accountIds: ['acc-1'] } });
    expect(narrower.body).toMatchObject({
      groups: { created: 0, dissolved: 1, unchanged: 1 },
      members: { removed: 1 },
    });
    expect(narrower.body.samples.membersRemoved).toEqual([
      {
        buyingGroupId: id('si-p', 'acc-2'),
        accountId: 'acc-2',
        accountName: 'Globex',
        personId: 'p-cmo',
        role: 'Decision Maker',
      },
    ]);
  });

  it('says when it stopped at the configured account limit', async () => {
    // The limit is read per request: set on this API, rather than a second one started for it, whose projection
    // consumer would join the group and rebalance it twice (under load that outlasted the test's minute).
    const configured = api.app.config.PREVIEW_MAX_ACCOUNTS;
    api.app.config.PREVIEW_MAX_ACCOUNTS = 3;
    try {
      const answer = await api.call('POST', '/v1/solution-interests/si-p/preview', {
        json: { audience: { accountIds: [] } },
      });
      expect(answer.body).toMatchObject({ accountsEvaluated: 3, complete: false });
    } finally {
      api.app.config.PREVIEW_MAX_ACCOUNTS = configured;
    }
  });

  it('rejects an empty or invalid candidate, and an unknown solution interest', async () => {
    const empty = await preview({});
    expect(empty.status).toBe(400);
    expect(empty.body.errors[0].message).toContain('roleTemplate');
    const bad = await preview({
      roleTemplate: { slots: [{ role: 'Boss', conditions: { field: 'jobTitle', op: 'eq', value: 'x' } }] },
    });
    expect(bad.body.errors).toEqual([
      { path: 'body.roleTemplate.slots[0].role', message: expect.stringContaining("unknown role 'Boss'") },
    ]);
    const badAudience = await preview({ audience: { conditions: { field: 'seniority', op: 'eq', value: 'VP' } } });
    expect(badAudience.body.errors).toEqual([
      { path: 'body.audience.conditions.field', message: expect.stringContaining('unknown account field') },
    ]);
    expect(
      (await api.call('POST', '/v1/solution-interests/si-404/preview', { json: { audience: { accountIds: [] } } }))
        .status,
    ).toBe(404);
    expect(
      (
        await api.call('POST', '/v1/solution-interests/si-p/preview', {
          token: 'read',
          json: { audience: { accountIds: [] } },
        })
      ).status,
    ).toBe(403);
  });
});
