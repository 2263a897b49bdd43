import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Topics } from '@bg/contracts';
import { createTestContext, TopicProbe, type TestContext } from '@bg/testing';
import { startApi, type Json, type RunningApi } from './support';

let ctx: TestContext;
let api: RunningApi;
let components: TopicProbe;

const decisionMaker = {
  role: 'Decision Maker',
  weight: 100,
  required: true,
  minMembers: 1,
  maxMembers: 2,
  conditions: { field: 'jobTitle', op: 'hasAnyWord', value: ['CTO', 'CMO'] },
};
const influencer = {
  role: 'Influencer',
  weight: 80,
  required: true,
  conditions: { field: 'seniority', op: 'eq', value: 'VP' },
};

type ComponentEvent = { id: string; type: string; data: Record<string, Json> };
const eventsFor = (id: string) =>
  components.messages.filter((m) => m.key === id).map((m) => m.json() as ComponentEvent);

beforeAll(async () => {
  ctx = await createTestContext();
  components = await new TopicProbe(ctx.kafka, `${ctx.topicPrefix}${Topics.components}`).start();
  api = await startApi(ctx);
});

afterAll(async () => {
  await api?.stop();
  await components?.stop();
});

describe('auth', () => {
  it('leaves only /healthz and /readyz open', async () => {
    expect((await api.call('GET', '/healthz', { token: null })).status).toBe(200);
    const ready = await api.call('GET', '/readyz', { token: null });
    expect(ready.status).toBe(200);
    expect(ready.body.checks.map((c: { name: string }) => c.name).sort()).toEqual(['kafka', 'postgres']);
    for (const path of ['/metrics', '/docs', '/v1/roles', '/v1/buying-groups']) {
      expect((await api.call('GET', path, { token: null })).status, path).toBe(401);
    }
  });

  it('answers 401 problems for a missing, malformed or unknown token, with a challenge', async () => {
    const missing = await api.call('GET', '/v1/roles', { token: null });
    expect(missing.status).toBe(401);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    expect(missing.headers.get('www-authenticate')).toContain('Bearer');
    expect(missing.headers.get('x-request-id')).toBeTruthy();
    expect(missing.body).toMatchObject({ status: 401, title: 'Unauthorized', instance: '/v1/roles' });
    expect(missing.body.detail).toContain('Authorization: Bearer');

    const unknown = await api.call('GET', '/v1/roles', { token: 'not-a-configured-token' });
    expect(unknown.status).toBe(401);
    expect(unknown.headers.get('www-authenticate')).toContain('invalid_token');

    const malformed = await api.call('GET', '/v1/roles', {
      token: null,
      headers: { authorization: `Basic ${api.tokens.admin}` },
    });
    expect(malformed.status).toBe(401);
    expect(malformed.body.detail).toContain('Bearer <token>');
  });

  it('refuses a read token on admin routes with 403 and accepts it on reads', async () => {
    const write = await api.call('PUT', '/v1/roles/Buyer', { token: 'read', json: {} });
    expect(write.status).toBe(403);
    expect(write.body.detail).toContain('admin');
    expect((await api.call('GET', '/v1/roles', { token: 'read' })).status).toBe(200);
    expect((await api.call('GET', '/metrics', { token: 'read' })).status).toBe(200);
  });
});

describe('ops and docs', () => {
  it('serves Prometheus metrics with request counts by route and status', async () => {
    await api.call('GET', '/v1/roles');
    const metrics = await api.call('GET', '/metrics', { token: 'read' });
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    expect(metrics.text).toMatch(/http_requests_total\{[^}]*route="\/v1\/roles"[^}]*status_code="200"[^}]*\} \d+/);
    expect(metrics.text).toContain('http_request_duration_seconds_bucket');
    expect(metrics.text).toContain('bg_consumer_lag');
  });

  it('serves the OpenAPI document generated from the request schemas', async () => {
    const docs = await api.call('GET', '/docs', { token: 'read' });
    expect(docs.status).toBe(200);
    expect(docs.body.openapi).toMatch(/^3\.1/);
    const paths = Object.keys(docs.body.paths);
    for (const path of [
      '/v1/roles/{name}',
      '/v1/role-templates/{id}/publish',
      '/v1/solution-interests/{id}/preview',
      '/v1/buying-groups',
      '/v1/imports/buying-groups',
    ]) {
      expect(paths, path).toContain(path);
    }
    const list = docs.body.paths['/v1/buying-groups'].get;
    expect(list.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining([
        'solutionInterestId',
        'accountId',
        'missingRole',
        'completenessLt',
        'completenessGte',
        'engagementGte',
        'status',
        'limit',
        'cursor',
      ]),
    );
    expect(docs.body.paths['/v1/role-templates/{id}'].put.requestBody).toBeDefined();
  });

  it('answers 404 problems for unknown routes', async () => {
    const missing = await api.call('GET', '/v1/nothing-here');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    expect(missing.body).toMatchObject({ status: 404, instance: '/v1/nothing-here' });
  });
});

describe('hostile input', () => {
  it('never answers 500: every bad request gets a 4xx problem', async () => {
    let deep: unknown = { field: 'jobTitle', op: 'exists' };
    for (let i = 0; i < 200; i++) deep = { all: [deep] };
    const requests: [string, string, { json?: unknown; body?: string }?][] = [
      ['GET', '/v1/buying-groups/%00'],
      ['GET', '/v1/buying-groups?missingRole=%00'],
      ['GET', '/v1/buying-groups/%E0%A4%A'],
      ['GET', `/v1/accounts/${'x'.repeat(300)}`],
      ['GET', '/v1/role-templates/rt-sec/versions/99999999999'],
      ['PUT', '/v1/role-templates/rt-deep', { json: { name: 'Deep', slots: [{ role: 'Other', conditions: deep }] } }],
      [
        'PUT',
        '/v1/role-templates/rt-nul',
        { json: { name: 'a\u0000b', slots: [{ role: 'Other', conditions: { field: 'jobTitle', op: 'exists' } }] } },
      ],
      [
        'PUT',
        '/v1/solution-interests/si-x',
        { json: { name: 'X', roleTemplateId: 'rt-sec', roleTemplateVersion: 1e12, audienceId: 'a' } },
      ],
      ['PUT', '/v1/account-audiences/aud-x', { json: [] }],
      ['PUT', '/v1/account-audiences/aud-x', { json: 'just a string' }],
      [
        'PUT',
        '/v1/account-audiences/aud-x',
        { json: { name: 'X', conditions: { field: 'annualRevenue', op: 'between', value: [10, 1] } } },
      ],
      ['POST', '/v1/buying-groups/bg-x/members', { body: '{"personId": "p", "role": "Other"' }],
      ['PUT', '/v1/roles/%20'],
    ];
    for (const [method, path, body] of requests) {
      const answer = await api.call(method, path, body ?? {});
      expect(answer.status, `${method} ${path}`).toBeGreaterThanOrEqual(400);
      expect(answer.status, `${method} ${path}`).toBeLessThan(500);
      expect(answer.headers.get('content-type'), `${method} ${path}`).toContain('application/problem+json');
      expect(answer.body.detail.length, `${method} ${path}`).toBeGreaterThan(10);
    }
  });
});

/** Sends `request` as is on a new connection and returns everything the server wrote until it closed. */
function rawExchange(url: string, request: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.end(request));
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString()));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
}

describe('text that cannot be stored', () => {
  const slot = (conditions: unknown) => ({ role: 'Other', conditions });
  const titles = (...value: string[]) => ({ field: 'jobTitle', op: 'containsAny', value });
  const si = { roleTemplateId: 'rt-sec', audienceId: 'aud-sec' };

  it('refuses a lone UTF-16 surrogate, a NUL or deep nesting in any JSON field with 400 naming it, storing nothing', async () => {
    let deep: unknown = { field: 'jobTitle', op: 'exists' };
    for (let i = 0; i < 200; i++) deep = { all: [deep] };
    const lone = 'lone UTF-16 surrogate';
    const cases: [string, string, unknown, string, string][] = [
      // Stored as JSON (jsonb): a 500 before.
      [
        'PUT',
        '/v1/role-templates/rt-lone',
        { name: 'T', slots: [slot(titles('CTO', '\ud800'))] },
        'body.slots[0].conditions.value[1]',
        lone,
      ],
      [
        'PUT',
        '/v1/role-templates/rt-lone',
        { name: 'T', slots: [slot({ field: '\udc00', op: 'exists' })] },
        'body.slots[0].conditions.field',
        lone,
      ],
      [
        'PUT',
        '/v1/account-audiences/aud-lone',
        { name: 'A', conditions: { field: 'name', op: 'eq', value: 'x\ud800' } },
        'body.conditions.value',
        lone,
      ],
      [
        'PUT',
        '/v1/account-audiences/aud-lone',
        { name: 'A', accountIds: ['acc-1', '\ud800'] },
        'body.accountIds[1]',
        lone,
      ],
      // Stored as text: U+FFFD before.
      ['PUT', '/v1/role-templates/rt-lone', { name: 'Buyers \ud83d', slots: [slot(titles('CTO'))] }, 'body.name', lone],
      ['PUT', '/v1/account-audiences/aud-lone', { name: 'A\udfff', accountIds: ['acc-1'] }, 'body.name', lone],
      ['PUT', '/v1/roles/Buyer', { description: 'buys \ud800' }, 'body.description', lone],
      ['PUT', '/v1/solution-interests/si-lone', { name: '\ud800', ...si }, 'body.name', lone],
      ['POST', '/v1/buying-groups/bg-x/members', { personId: 'p-\ud800', role: 'Other' }, 'body.personId', lone],
      [
        'PUT',
        '/v1/role-templates/rt-lone',
        { name: 'a\u0000b', slots: [slot(titles('CTO'))] },
        'body.name',
        'NUL character',
      ],
      [
        'PUT',
        '/v1/role-templates/rt-lone',
        { name: 'Deep', slots: [slot(deep)] },
        `body.slots[0].conditions${'.all[0]'.repeat(30)}.all`,
        'nests deeper than 64 levels',
      ],
    ];
    for (const [method, path, json, field, problem] of cases) {
      const answer = await api.call(method, path, { json });
      expect(answer.status, field).toBe(400);
      expect(answer.headers.get('content-type'), field).toContain('application/problem+json');
      expect(answer.body.errors, field).toEqual([{ path: field, message: expect.stringContaining(problem) }]);
      expect(answer.body.detail, field).toContain(field);
    }
    for (const path of [
      '/v1/role-templates/rt-lone',
      '/v1/account-audiences/aud-lone',
      '/v1/solution-interests/si-lone',
    ]) {
      expect((await api.call('GET', path)).status, path).toBe(404);
    }
    const roles = await api.call('GET', '/v1/roles');
    expect(roles.body.items.map((r: { name: string }) => r.name)).not.toContain('Buyer');
  });

  it('stores well-formed text beyond the BMP as given', async () => {
    const put = await api.call('PUT', '/v1/role-templates/rt-emoji', {
      json: { name: 'Buyers 🚀', slots: [slot(titles('CTO 🚀'))] },
    });
    expect(put.status).toBe(201);
    const stored = await api.call('GET', '/v1/role-templates/rt-emoji');
    expect(stored.body).toMatchObject({ name: 'Buyers 🚀', slots: [{ conditions: titles('CTO 🚀') }] });
  });

  it('answers 400, never 500, for a %-escaped lone surrogate in the path or the query string', async () => {
    for (const path of ['/v1/buying-groups/%ED%A0%80', '/v1/accounts/%ED%A0%80', '/v1/role-templates/%ED%B0%80']) {
      const answer = await api.call('GET', path);
      expect(answer.status, path).toBe(400);
      expect(answer.headers.get('content-type'), path).toContain('application/problem+json');
    }
    for (const [query, field] of [
      ['?missingRole=%ED%A0%80', 'query.missingRole'],
      ['?accountId=acc-%ED%B0%80&limit=5', 'query.accountId'],
    ]) {
      const answer = await api.call('GET', `/v1/buying-groups${query}`);
      expect(answer.status, query).toBe(400);
      expect(answer.headers.get('content-type'), query).toContain('application/problem+json');
      expect(answer.body.errors, query).toEqual([{ path: field, message: expect.stringContaining('UTF-8') }]);
    }
  });

  it('answers what the HTTP parser refuses with problems: 431 for a request line or headers too large', async () => {
    const tooLarge: { path: string; headers: Record<string, string> }[] = [
      { path: `/v1/buying-groups?accountId=${'x'.repeat(100_000)}`, headers: {} },
      { path: '/v1/buying-groups', headers: { 'x-padding': 'x'.repeat(20_000) } },
    ];
    for (const init of tooLarge) {
      const answer = await fetch(`${api.url}${init.path}`, {
        headers: { authorization: `Bearer ${api.tokens.read}`, ...init.headers },
      });
      expect(answer.status).toBe(431);
      expect(answer.headers.get('content-type')).toBe('application/problem+json');
      expect(await answer.json()).toEqual({
        type: 'urn:buying-groups:problem:invalid-request',
        title: 'Invalid request',
        status: 431,
        detail: expect.stringContaining('the request line and headers are too large'),
      });
    }
    const garbage = await rawExchange(api.url, 'NOT HTTP AT ALL\r\n\r\n');
    expect(garbage).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(garbage).toContain('Content-Type: application/problem+json');
    expect(garbage).toContain('"detail":"the request is not valid HTTP/1.1');
  });
});

describe('roles', () => {
  it('lists the six default roles from the start', async () => {
    const roles = await api.call('GET', '/v1/roles', { token: 'read' });
    const defaults = roles.body.items
      .filter((r: { default: boolean }) => r.default)
      .map((r: { name: string }) => r.name);
    expect(defaults.sort()).toEqual([
      'Champion',
      'Decision Maker',
      'Executive Sponsor',
      'Influencer',
      'Other',
      'Practitioner',
    ]);
  });

  it('creates a custom role (201), replaces it (200), and deletes it; defaults cannot be deleted', async () => {
    const created = await api.call('PUT', '/v1/roles/Security%20Reviewer', {
      json: { description: 'Checks compliance' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Security Reviewer', default: false, description: 'Checks compliance' });
    const replaced = await api.call('PUT', '/v1/roles/Security%20Reviewer');
    expect(replaced.status).toBe(200);
    expect((await api.call('DELETE', '/v1/roles/Security%20Reviewer')).status).toBe(204);
    expect((await api.call('DELETE', '/v1/roles/Security%20Reviewer')).status).toBe(404);

    const protectedRole = await api.call('DELETE', '/v1/roles/Decision%20Maker');
    expect(protectedRole.status).toBe(409);
    expect(protectedRole.body.detail).toContain('default');
  });
});

describe('role templates', () => {
  it('adds a draft version on each PUT and publishes the latest draft', async () => {
    const first = await api.call('PUT', '/v1/role-templates/rt-sec', {
      json: { name: 'Security buyers', slots: [decisionMaker] },
    });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ id: 'rt-sec', version: 1, status: 'draft', latestPublishedVersion: null });
    expect(first.body.slots[0]).toMatchObject({
      role: 'Decision Maker',
      weight: 100,
      required: true,
      minMembers: 1,
      maxMembers: 2,
    });

    const second = await api.call('PUT', '/v1/role-templates/rt-sec', {
      json: { name: 'Security buyers', slots: [decisionMaker, influencer] },
    });
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ version: 2, status: 'draft' });
    expect(second.body.slots[1]).toMatchObject({ role: 'Influencer', minMembers: 1, weight: 80, required: true });

    const published = await api.call('POST', '/v1/role-templates/rt-sec/publish');
    expect(published.status).toBe(200);
    expect(published.body).toMatchObject({ version: 2, status: 'published', latestPublishedVersion: 2 });

    const latest = await api.call('GET', '/v1/role-templates/rt-sec', { token: 'read' });
    expect(latest.body).toMatchObject({ version: 2, status: 'published' });
    const v1 = await api.call('GET', '/v1/role-templates/rt-sec/versions/1', { token: 'read' });
    expect(v1.body).toMatchObject({ version: 1, status: 'draft', latestPublishedVersion: 2 });
    const list = await api.call('GET', '/v1/role-templates', { token: 'read' });
    expect(list.body.items.find((t: { id: string }) => t.id === 'rt-sec')).toMatchObject({ version: 2 });
  });

  it('rejects invalid conditions naming the path and what is wrong', async () => {
    const answer = await api.call('PUT', '/v1/role-templates/rt-bad', {
      json: {
        name: 'Bad',
        slots: [
          decisionMaker,
          {
            role: 'Influencer',
            conditions: {
              all: [
                { field: 'jobtitle', op: 'eq', value: 'VP' },
                { field: 'seniority', op: 'contain', value: 'VP' },
              ],
            },
          },
        ],
      },
    });
    expect(answer.status).toBe(400);
    expect(answer.headers.get('content-type')).toContain('application/problem+json');
    expect(answer.body.errors).toEqual(
      expect.arrayContaining([
        { path: 'body.slots[1].conditions.all[0].field', message: expect.stringContaining("did you mean 'jobTitle'") },
        { path: 'body.slots[1].conditions.all[1].op', message: expect.stringContaining("did you mean 'contains'") },
      ]),
    );
    expect(answer.body.detail).toContain('body.slots[1].conditions');
    expect((await api.call('GET', '/v1/role-templates/rt-bad', { token: 'read' })).status).toBe(404);
  });

  it('rejects a semantically wrong condition that is structurally fine, and unknown roles', async () => {
    const answer = await api.call('PUT', '/v1/role-templates/rt-bad', {
      json: {
        name: 'Bad',
        slots: [{ role: 'Boss', conditions: { field: 'engagementScore', op: 'contains', value: 'x' } }],
      },
    });
    expect(answer.status).toBe(400);
    expect(answer.body.errors).toEqual([
      { path: 'body.slots[0].conditions.op', message: expect.stringContaining('is a number') },
    ]);
    const unknownRole = await api.call('PUT', '/v1/role-templates/rt-bad', {
      json: { name: 'Bad', slots: [{ role: 'Boss', conditions: { field: 'jobTitle', op: 'exists' } }] },
    });
    expect(unknownRole.status).toBe(400);
    expect(unknownRole.body.errors).toEqual([
      { path: 'body.slots[0].role', message: expect.stringContaining("unknown role 'Boss'") },
    ]);
  });

  it('reports body, path and query problems of every kind as 400 problems, and unknown ids as 404', async () => {
    const missingFields = await api.call('PUT', '/v1/role-templates/rt-x', { json: { slots: [], colour: 'red' } });
    expect(missingFields.status).toBe(400);
    expect(missingFields.body.errors).toEqual(
      expect.arrayContaining([
        { path: 'body.name', message: 'is required' },
        { path: 'body.slots', message: 'a template needs at least one slot' },
        { path: 'body.colour', message: "unknown field 'colour'" },
      ]),
    );
    const notJson = await api.call('PUT', '/v1/role-templates/rt-x', { body: '{"name": ' });
    expect(notJson.status).toBe(400);
    expect(notJson.body.detail).toContain('not valid JSON');
    const noBody = await api.call('PUT', '/v1/role-templates/rt-x');
    expect(noBody.status).toBe(400);
    expect(noBody.body.errors).toEqual([{ path: 'body', message: expect.stringContaining('JSON object is required') }]);

    const badId = await api.call('PUT', '/v1/role-templates/bad%20id!', {
      json: { name: 'x', slots: [decisionMaker] },
    });
    expect(badId.status).toBe(400);
    expect(badId.body.errors[0].path).toBe('params.id');
    const badVersion = await api.call('GET', '/v1/role-templates/rt-sec/versions/latest', { token: 'read' });
    expect(badVersion.status).toBe(400);
    expect(badVersion.body.errors).toEqual([{ path: 'params.version', message: 'must be a version number (1, 2, …)' }]);
    expect((await api.call('GET', '/v1/role-templates/rt-sec/versions/9', { token: 'read' })).status).toBe(404);
    expect((await api.call('POST', '/v1/role-templates/rt-none/publish')).status).toBe(404);

    const wrongType = await api.call('PUT', '/v1/role-templates/rt-x', {
      body: 'name=x',
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(wrongType.status).toBe(415);
    expect(wrongType.headers.get('content-type')).toContain('application/problem+json');
    expect(wrongType.body.detail).toContain('application/json');
    const text = await api.call('PUT', '/v1/role-templates/rt-x', { body: 'hello', contentType: 'text/plain' });
    expect(text.status).toBe(415);
  });
});

describe('audiences and solution interests', () => {
  it('validates audiences on the account side and needs exactly one of conditions or accountIds', async () => {
    const personField = await api.call('PUT', '/v1/account-audiences/aud-bad', {
      json: { name: 'Bad', conditions: { field: 'jobTitle', op: 'eq', value: 'CTO' } },
    });
    expect(personField.status).toBe(400);
    expect(personField.body.errors).toEqual([
      { path: 'body.conditions.field', message: expect.stringContaining("unknown account field 'jobTitle'") },
    ]);
    const neither = await api.call('PUT', '/v1/account-audiences/aud-bad', { json: { name: 'Bad' } });
    expect(neither.status).toBe(400);
    expect(neither.body.errors[0].message).toContain('conditions');
  });

  it('refuses a solution interest whose template has no published version, or whose audience does not exist', async () => {
    await api.call('PUT', '/v1/role-templates/rt-draft', { json: { name: 'Draft only', slots: [decisionMaker] } });
    const answer = await api.call('PUT', '/v1/solution-interests/si-bad', {
      json: { name: 'Bad', roleTemplateId: 'rt-draft', audienceId: 'aud-none' },
    });
    expect(answer.status).toBe(400);
    expect(answer.body.errors).toEqual([
      { path: 'body.roleTemplateId', message: expect.stringContaining('no published version') },
      { path: 'body.audienceId', message: expect.stringContaining("no account audience 'aud-none'") },
    ]);
    const draftPinned = await api.call('PUT', '/v1/solution-interests/si-bad', {
      json: { name: 'Bad', roleTemplateId: 'rt-draft', roleTemplateVersion: 1, audienceId: 'aud-none' },
    });
    expect(draftPinned.body.errors[0]).toEqual({
      path: 'body.roleTemplateVersion',
      message: expect.stringContaining('is a draft'),
    });
  });

  it('pins the latest published version, publishes the resolved definition, and republishes on an audience change', async () => {
    const audience = await api.call('PUT', '/v1/account-audiences/aud-big', {
      json: { name: 'Big accounts', conditions: { field: 'annualRevenue', op: 'gt', value: 1_000_000 } },
    });
    expect(audience.status).toBe(201);
    expect(audience.body).toMatchObject({
      id: 'aud-big',
      conditions: { field: 'annualRevenue', op: 'gt', value: 1_000_000 },
    });

    const created = await api.call('PUT', '/v1/solution-interests/si-sec', {
      json: { name: 'Security suite', roleTemplateId: 'rt-sec', audienceId: 'aud-big' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: 'si-sec',
      roleTemplateVersion: 2,
      memberScope: 'account',
      audienceId: 'aud-big',
    });

    await components.waitFor(() => eventsFor('si-sec').length === 1);
    const [defined] = eventsFor('si-sec');
    expect(defined!.type).toBe('bg.solution-interest.defined');
    expect(defined!.data).toMatchObject({
      solutionInterestId: 'si-sec',
      name: 'Security suite',
      memberScope: 'account',
      template: { id: 'rt-sec', version: 2, name: 'Security buyers' },
      audience: {
        id: 'aud-big',
        name: 'Big accounts',
        conditions: { field: 'annualRevenue', op: 'gt', value: 1_000_000 },
      },
    });
    expect(defined!.data.template.slots.map((s: { role: string }) => s.role)).toEqual(['Decision Maker', 'Influencer']);
    // What made it, as the group versions it leads to will name their cause: the operator's action, never `bg.*`.
    expect(defined!.data.cause).toEqual({
      eventId: defined!.id,
      eventType: 'operator.solution-interest.defined',
      source: 'bg/api',
    });

    // A new template version reaches the solution interest only when it is PUT again.
    await api.call('PUT', '/v1/role-templates/rt-sec', { json: { name: 'Security buyers v3', slots: [influencer] } });
    await api.call('POST', '/v1/role-templates/rt-sec/publish');
    const replaced = await api.call('PUT', '/v1/account-audiences/aud-big', {
      json: { name: 'Named accounts', accountIds: ['acc-1', 'acc-2'] },
    });
    expect(replaced.status).toBe(200);
    await components.waitFor(() => eventsFor('si-sec').length === 2);
    expect(eventsFor('si-sec')[1]!.data).toMatchObject({
      template: { version: 2 },
      audience: { id: 'aud-big', name: 'Named accounts', accountIds: ['acc-1', 'acc-2'] },
      cause: { eventType: 'operator.account-audience.defined' },
    });

    const again = await api.call('PUT', '/v1/solution-interests/si-sec', {
      json: {
        name: 'Security suite',
        roleTemplateId: 'rt-sec',
        audienceId: 'aud-big',
        memberScope: 'account-and-descendants',
      },
    });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ roleTemplateVersion: 3, memberScope: 'account-and-descendants' });
    await components.waitFor(() => eventsFor('si-sec').length === 3);
    expect(eventsFor('si-sec')[2]!.data.template).toMatchObject({ version: 3, name: 'Security buyers v3' });
    expect(new Set(eventsFor('si-sec').map((e) => e.id)).size).toBe(3);

    const read = await api.call('GET', '/v1/solution-interests/si-sec', { token: 'read' });
    expect(read.body).toMatchObject({ id: 'si-sec', roleTemplateVersion: 3 });
    expect((await api.call('GET', '/v1/solution-interests', { token: 'read' })).body.items).toHaveLength(1);
  });

  it('deletes a solution interest with a deleted event; then it is gone', async () => {
    await api.call('PUT', '/v1/solution-interests/si-temp', {
      json: { name: 'Temp', roleTemplateId: 'rt-sec', audienceId: 'aud-big' },
    });
    expect((await api.call('DELETE', '/v1/solution-interests/si-temp')).status).toBe(204);
    await components.waitFor(() => eventsFor('si-temp').some((e) => e.type === 'bg.solution-interest.deleted'));
    expect(eventsFor('si-temp').at(-1)!.data).toMatchObject({
      solutionInterestId: 'si-temp',
      cause: { eventType: 'operator.solution-interest.deleted' },
    });
    expect((await api.call('GET', '/v1/solution-interests/si-temp', { token: 'read' })).status).toBe(404);
    expect((await api.call('DELETE', '/v1/solution-interests/si-temp')).status).toBe(404);
  });
});
