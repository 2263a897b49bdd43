/**
 * The demo that every `npm start` loads, against the API service run as a process on this file's database and topics:
 * its components are written once, and a later start writes nothing unless they were changed since.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Topics } from '@bg/contracts';
import { freePort, listServices } from '@bg/infra';
import { createTestContext, eventually, TopicProbe, type TestContext } from '@bg/testing';
import { apiTokensValue, Supervisor } from '../../src/index';
import { defineDemoComponents } from '../../src/demo-components';
import { demoSolutionInterestId } from '../../src/demo-dataset';

let ctx: TestContext;
let supervisor: Supervisor;
let components: TopicProbe;
let workDir: string;
let apiUrl: string;
const tokens = { admin: `bga_${randomBytes(16).toString('hex')}`, read: `bgr_${randomBytes(16).toString('hex')}` };

/** A parsed JSON answer, read field by field in assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests assert on arbitrary response shapes
type Json = any;

const logTail = () =>
  readFileSync(join(workDir, 'logs', 'api.log'), 'utf8')
    .split('\n')
    .slice(-20)
    .join('\n');

async function get(path: string): Promise<Json> {
  const response = await fetch(`${apiUrl}${path}`, { headers: { authorization: `Bearer ${tokens.read}` } });
  expect(response.status, path).toBe(200);
  return response.json();
}

beforeAll(async () => {
  ctx = await createTestContext();
  workDir = mkdtempSync(join(tmpdir(), 'bg-demo-'));
  supervisor = new Supervisor(join(workDir, 'logs'), join(workDir, 'pids'), () => undefined);
  components = await new TopicProbe(ctx.kafka, `${ctx.topicPrefix}${Topics.components}`).start();
  const apiPort = await freePort();
  apiUrl = `http://127.0.0.1:${apiPort}`;
  const api = listServices().find((s) => s.name === 'api')!;
  supervisor.start({
    name: 'api',
    entry: api.entry,
    env: { ...ctx.env, API_PORT: String(apiPort), API_TOKENS: apiTokensValue(tokens) },
  });
  await eventually(async () => {
    const answer = await fetch(`${apiUrl}/readyz`).catch(() => undefined);
    if (answer?.status !== 200) throw new Error(`the api is not ready at ${apiUrl}; its log:\n${logTail()}`);
  }, 60_000);
});

afterAll(async () => {
  await supervisor?.stopAll(10_000);
  await components?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe('the demo components', () => {
  /** The kind of audience rule in each definition of the demo solution interest on the components topic. */
  const audienceRules = () =>
    components.messages
      .filter((m) => m.key === demoSolutionInterestId)
      .map((m) => ('accountIds' in (m.json() as Json).data.audience ? 'accountIds' : 'conditions'));

  it('are written on the first start, and a second start writes nothing', async () => {
    expect(await defineDemoComponents(apiUrl, tokens.admin)).toEqual([
      'PUT /v1/role-templates/rt-devtools',
      'POST /v1/role-templates/rt-devtools/publish',
      'PUT /v1/account-audiences/aud-1m',
      `PUT /v1/solution-interests/${demoSolutionInterestId}`,
    ]);
    const before = {
      template: await get('/v1/role-templates/rt-devtools'),
      audience: await get('/v1/account-audiences/aud-1m'),
      interest: await get(`/v1/solution-interests/${demoSolutionInterestId}`),
    };
    expect(before.template).toMatchObject({ version: 1, status: 'published' });
    expect(before.interest).toMatchObject({ roleTemplateVersion: 1 });

    expect(await defineDemoComponents(apiUrl, tokens.admin)).toEqual([]);
    expect(await get('/v1/role-templates/rt-devtools')).toEqual(before.template);
    expect(await get('/v1/account-audiences/aud-1m')).toEqual(before.audience);
    expect(await get(`/v1/solution-interests/${demoSolutionInterestId}`)).toEqual(before.interest);
  });

  it('are put back when an operator changed them, without a new template version', async () => {
    const edited = await fetch(`${apiUrl}/v1/account-audiences/aud-1m`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${tokens.admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Everyone', accountIds: ['acme'] }),
    });
    expect(edited.status).toBe(200);
    expect(await defineDemoComponents(apiUrl, tokens.admin)).toEqual(['PUT /v1/account-audiences/aud-1m']);
    expect(await get('/v1/role-templates/rt-devtools')).toMatchObject({ version: 1 });
    // Role assignment recomputes a solution interest on each of its definitions: the first start's, then one per
    // audience change. Published in order, so a definition from the second start would be in this list for good.
    await eventually(async () => expect(audienceRules()).toEqual(['conditions', 'accountIds', 'conditions']), 20_000);
  });
});
