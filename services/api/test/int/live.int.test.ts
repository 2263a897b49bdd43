import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Producer } from 'kafkajs';
import { buyingGroupId } from '@bg/contracts';
import { groupRowOf } from '../../src/domain/group-summary';
import { matchesFilter, type GroupFilter } from '../../src/domain/group-filter';
import { connectTestProducer, createTestContext, type TestContext } from '@bg/testing';
import { parseEvents, type StreamEvent } from '../../console/src/sse';
import {
  account,
  eventually,
  groupSnapshot,
  publishGroups,
  publishRecords,
  startApi,
  type RunningApi,
} from './support';

let ctx: TestContext;
let api: RunningApi;
let producer: Producer;

const DM = 'Decision Maker';
const id = (si: string, acc: string) => buyingGroupId(si, acc);

/** A live stream read as the console reads it (fetch with the Authorization header), collecting its events. */
async function openStream(query: string, token: string) {
  const abort = new AbortController();
  const response = await fetch(`${api.url}/v1/buying-groups/live${query}`, {
    headers: { authorization: `Bearer ${token}` },
    signal: abort.signal,
  });
  const events: StreamEvent[] = [];
  const reading = (async () => {
    if (!response.body) return;
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        const parsed = parseEvents(buffer + value);
        buffer = parsed.rest;
        events.push(...parsed.events);
      }
    } catch {
      // aborted
    }
  })();
  const groups = () =>
    events
      .filter((e) => e.event === 'group')
      .map((e) => JSON.parse(e.data) as { matches: boolean; group: { buyingGroupId: string; version: number } });
  await eventually(async () => expect(events.map((e) => e.event)).toContain('ready'));
  return {
    response,
    groups,
    close: async () => {
      abort.abort();
      await reading;
    },
  };
}

beforeAll(async () => {
  ctx = await createTestContext();
  producer = await connectTestProducer(ctx.kafka);
  api = await startApi(ctx);
  await publishRecords(producer, ctx.topicPrefix, {
    accounts: [account('acc-1', { name: 'Acme' }), account('acc-2', { name: 'Globex' })],
  });
});

afterAll(async () => {
  await api?.stop();
  await producer?.disconnect();
});

describe('the live feed of group versions (server-sent events)', () => {
  it('needs a token like every data route', async () => {
    const answer = await fetch(`${api.url}/v1/buying-groups/live`);
    expect(answer.status).toBe(401);
    expect(await answer.json()).toMatchObject({ status: 401 });
    expect(answer.headers.get('content-type')).toMatch(/problem\+json/);
  });

  it('sends the groups of its filter as their versions commit, and tells when one leaves the filter', async () => {
    const stream = await openStream(`?missingRole=${encodeURIComponent(DM)}`, api.tokens.read);
    expect(stream.response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    // One account, so one partition: the versions commit in this order.
    const base = { accountId: 'acc-1', members: [] };
    await publishGroups(producer, ctx.topicPrefix, [
      groupSnapshot({ ...base, solutionInterestId: 'si-other', missingRoles: ['Influencer'] }),
      groupSnapshot({ ...base, solutionInterestId: 'si-a', missingRoles: [DM], completeness: 0 }),
    ]);
    await eventually(async () => expect(stream.groups()).toHaveLength(1));
    // The group that never matched was committed first (or with it) and was not sent.
    expect(stream.groups()[0]).toMatchObject({
      matches: true,
      group: { buyingGroupId: id('si-a', 'acc-1'), version: 1, accountName: 'Acme', missingRoles: [DM] },
    });

    await publishGroups(producer, ctx.topicPrefix, [
      groupSnapshot({ ...base, solutionInterestId: 'si-a', version: 2, missingRoles: [], completeness: 100 }),
    ]);
    await eventually(async () => expect(stream.groups()).toHaveLength(2));
    expect(stream.groups()[1]).toMatchObject({
      matches: false,
      group: { buyingGroupId: id('si-a', 'acc-1'), version: 2, missingRoles: [] },
    });
    await stream.close();
  });

  it('follows one group when asked for its id, whatever its status', async () => {
    const groupId = id('si-b', 'acc-2');
    const stream = await openStream(`?buyingGroupId=${groupId}&status=all`, api.tokens.read);
    const base = { accountId: 'acc-2', solutionInterestId: 'si-b' };
    await publishGroups(producer, ctx.topicPrefix, [
      groupSnapshot({ ...base, solutionInterestId: 'si-c' }),
      groupSnapshot(base),
      groupSnapshot({ ...base, version: 2, status: 'dissolved' }),
    ]);
    await eventually(async () => expect(stream.groups().some((g) => g.group.version === 2)).toBe(true));
    expect(stream.groups().every((g) => g.group.buyingGroupId === groupId && g.matches)).toBe(true);
    await stream.close();
  });

  it('refuses a filter it does not know, as the list does', async () => {
    const answer = await api.call('GET', '/v1/buying-groups/live?missingrole=x', { token: 'read' });
    expect(answer.status).toBe(400);
    expect(answer.body.errors[0].path).toBe('query.missingrole');
  });
});

describe('one filter rule in two forms', () => {
  it('the live feed judges a group as the list selects it (pure predicate and SQL agree)', async () => {
    const roles = [[], ['Decision Maker'], ['Influencer'], ['Decision Maker', 'Influencer']];
    const snapshots = Array.from({ length: 12 }, (_, i) =>
      groupSnapshot({
        solutionInterestId: `si-eq-${i % 3}`,
        accountId: `acc-eq-${i}`,
        status: i % 5 === 0 ? 'dissolved' : 'active',
        completeness: (i * 37) % 101,
        engagement: (i * 53) % 101,
        missingRoles: roles[i % roles.length],
      }),
    );
    await publishGroups(producer, ctx.topicPrefix, snapshots);
    await eventually(async () => {
      for (const s of snapshots) {
        expect((await api.call('GET', `/v1/buying-groups/${s.buyingGroupId}`, { token: 'read' })).status).toBe(200);
      }
    });
    const filters: (Partial<GroupFilter> & { status: GroupFilter['status'] })[] = [
      { status: 'active' },
      { status: 'all' },
      { status: 'dissolved' },
      { status: 'active', missingRole: DM, completenessLt: 50 },
      { status: 'all', missingRole: 'Influencer', engagementGte: 40 },
      { status: 'active', solutionInterestId: 'si-eq-1', completenessGte: 37 },
      { status: 'all', accountId: 'acc-eq-4' },
      { status: 'all', completenessGte: 50, completenessLt: 90 },
    ];
    for (const filter of filters) {
      const query = new URLSearchParams(
        Object.entries(filter).map(([k, v]) => [k, String(v)] as [string, string]),
      ).toString();
      const listed = await api.call('GET', `/v1/buying-groups?${query}&limit=500`, { token: 'read' });
      const fromSql = listed.body.items
        .map((g: { buyingGroupId: string }) => g.buyingGroupId)
        .filter((g: string) => snapshots.some((s) => s.buyingGroupId === g));
      const fromPredicate = snapshots
        .filter((s) => matchesFilter(filter, groupRowOf(s)))
        .map((s) => s.buyingGroupId)
        .sort();
      expect(fromSql, query).toEqual(fromPredicate);
    }
  });
});

describe('sorting the list by a score (additive `sort`)', () => {
  it('pages through every group in score order, ties by id, with cursors of that order', async () => {
    const scores = [70, 10, 40, 40, 90, 0, 40];
    const snapshots = scores.map((completeness, i) =>
      groupSnapshot({
        solutionInterestId: `si-sort-${i}`,
        accountId: 'acc-2',
        completeness,
        engagement: 100 - completeness,
      }),
    );
    await publishGroups(producer, ctx.topicPrefix, snapshots);
    await eventually(async () => {
      for (const s of snapshots) {
        expect((await api.call('GET', `/v1/buying-groups/${s.buyingGroupId}`, { token: 'read' })).status).toBe(200);
      }
    });
    const expected = snapshots
      .map((s) => ({ id: s.buyingGroupId, score: s.completeness.score }))
      .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1))
      .map((g) => g.id);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await api.call(
        'GET',
        `/v1/buying-groups?accountId=acc-2&sort=-completeness&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        { token: 'read' },
      );
      expect(page.status).toBe(200);
      seen.push(
        ...page.body.items
          .map((g: { buyingGroupId: string }) => g.buyingGroupId)
          .filter((g: string) => expected.includes(g)),
      );
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(expected);

    const ascending = await api.call('GET', '/v1/buying-groups?accountId=acc-2&sort=engagement&limit=500', {
      token: 'read',
    });
    const engagement = ascending.body.items.map((g: { engagement: number }) => g.engagement);
    expect(engagement).toEqual([...engagement].sort((a, b) => a - b));
  });

  it('refuses a cursor of another sort', async () => {
    const first = await api.call('GET', '/v1/buying-groups?accountId=acc-2&sort=completeness&limit=1', {
      token: 'read',
    });
    const other = await api.call(
      'GET',
      `/v1/buying-groups?accountId=acc-2&sort=-completeness&limit=1&cursor=${first.body.nextCursor}`,
      { token: 'read' },
    );
    expect(other.status).toBe(400);
    expect(other.body.errors[0].path).toBe('query.cursor');
  });
});

describe('the console, Swagger UI and the session', () => {
  it('serves the console page and its assets without a token, and / leads to it', async () => {
    const page = await fetch(`${api.url}/console/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toContain('/console/app.js');
    const script = await fetch(`${api.url}/console/app.js`);
    expect(script.status).toBe(200);
    expect(await script.text()).not.toBe('');
    const root = await fetch(`${api.url}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    await root.text();
    expect(root.headers.get('location')).toBe('/console/');
  });

  it('keeps /docs the OpenAPI JSON for API clients and sends a browser to Swagger UI', async () => {
    for (const accept of [undefined, '*/*', 'application/json']) {
      const docs = await api.call('GET', '/docs', { token: 'read', headers: accept ? { accept } : {} });
      expect(docs.status, accept).toBe(200);
      expect(docs.body.openapi, accept).toMatch(/^3\.1/);
      expect(docs.body.paths['/v1/buying-groups/live'], accept).toBeDefined();
    }
    expect((await api.call('GET', '/docs', { token: null })).status).toBe(401);
    const browser = await fetch(`${api.url}/docs`, {
      headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' },
      redirect: 'manual',
    });
    expect(browser.status).toBe(303);
    await browser.text();
    expect(browser.headers.get('location')).toBe('/docs/ui/');
    const ui = await fetch(`${api.url}/docs/ui/`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger-ui-bundle.js');
    const bundle = await fetch(`${api.url}/docs/ui/static/swagger-ui-bundle.js`);
    expect(bundle.status).toBe(200);
    expect(await bundle.text()).toContain('SwaggerUIBundle');
    const initializer = await (await fetch(`${api.url}/docs/ui/static/swagger-initializer.js`)).text();
    expect(initializer).toContain('sessionStorage.getItem("bg.console.token")');
    // The UI's own copy of the document needs a token like /docs.
    const anonymous = await fetch(`${api.url}/docs/ui/json`);
    expect(anonymous.status).toBe(401);
    await anonymous.text();
    expect((await api.call('GET', '/docs/ui/json', { token: 'read' })).status).toBe(200);
  });

  it("tells a token's scope", async () => {
    expect((await api.call('GET', '/v1/session', { token: 'read' })).body).toEqual({ scope: 'read' });
    expect((await api.call('GET', '/v1/session', { token: 'admin' })).body).toEqual({ scope: 'admin' });
    expect((await api.call('GET', '/v1/session', { token: 'nope' })).status).toBe(401);
  });
});
