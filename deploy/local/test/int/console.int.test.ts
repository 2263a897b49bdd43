/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The operator console in a real browser (Debian's chromium driven by playwright-core) against the running system:
 * ingestion, role-assignment, scoring and the API as processes on a real broker and database, driven only through
 * the CRM topics and the page. The scenario is the workflow: sign in, find the groups missing their Decision Maker,
 * open one and read why a member is there, watch a CRM change arrive without reloading, and remove a member from the
 * page (the removal goes through Kafka to role-assignment and back as a new version). Screenshots of the list and the
 * group are kept in `.artifacts/console/` (not committed).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Producer } from 'kafkajs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Topics } from '@bg/contracts';
import { freePort, listServices, repoRoot } from '@bg/infra';
import {
  accountRecord,
  connectTestProducer,
  createTestContext,
  crmEvent,
  eventually,
  type TestContext,
} from '@bg/testing';
import { buildConsole } from '../../../../services/api/console/build';
import { apiTokensValue, Supervisor } from '../../src/index';

const SI = 'si-console';
const DM = 'Decision Maker';
const artifacts = join(repoRoot, '.artifacts', 'console');
const at = (minute: number) => new Date(Date.parse('2026-11-26T09:00:00.000Z') + minute * 60_000).toISOString();

const ACME = { ...accountRecord('acc-acme', { name: 'Acme Corp', updatedAt: at(0) }), annualRevenue: 5_000_000 };
const GLOBEX = { ...accountRecord('acc-globex', { name: 'Globex', updatedAt: at(0) }), annualRevenue: 9_000_000 };

const person = (personId: string, accountId: string, jobTitle: string, department: string, minute: number) => ({
  personId,
  email: `${personId}@example.com`,
  firstName: 'First',
  lastName: personId,
  jobTitle,
  department,
  seniority: 'Manager',
  country: 'US',
  accounts: [{ accountId, relationship: 'employee' }],
  attributes: {},
  updatedAt: at(minute),
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary answers
type Json = any;

let ctx: TestContext;
let supervisor: Supervisor;
let producer: Producer;
let browser: Browser;
let page: Page;
let workDir: string;
let apiUrl: string;
let failed = false;
const tokens = { admin: `bga_${randomBytes(16).toString('hex')}`, read: `bgr_${randomBytes(16).toString('hex')}` };

async function api(method: string, path: string, json?: unknown): Promise<{ status: number; body: Json }> {
  const headers: Record<string, string> = { authorization: `Bearer ${tokens.admin}` };
  if (json !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${apiUrl}${path}`, {
    method,
    headers,
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Json) : {} };
}

const send = (topic: string, messages: { key: string; value: string }[]) =>
  producer.send({ topic: `${ctx.topicPrefix}${topic}`, messages });

function logTail(name: string): string {
  const file = join(workDir, 'logs', `${name}.log`);
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').slice(-20).join('\n') : '(no log yet)';
}

/** The group of an account as the API shows it, once it satisfies `check`. */
async function groupOf(accountId: string, check: (group: Json) => boolean): Promise<Json> {
  return eventually(async () => {
    const list = await api('GET', `/v1/buying-groups?accountId=${accountId}&solutionInterestId=${SI}`);
    const id = list.body.items?.[0]?.buyingGroupId;
    expect(id, `no group for ${accountId} yet`).toBeDefined();
    const group = (await api('GET', `/v1/buying-groups/${id}`)).body;
    expect(check(group), JSON.stringify(group)).toBe(true);
    return group;
  }, 30_000);
}

beforeAll(async () => {
  failed = true;
  // The page under test is the one in the sources, whatever was built before.
  await buildConsole();
  ctx = await createTestContext();
  workDir = mkdtempSync(join(tmpdir(), 'bg-console-'));
  mkdirSync(artifacts, { recursive: true });
  supervisor = new Supervisor(join(workDir, 'logs'), join(workDir, 'pids'), () => undefined);
  const apiPort = await freePort();
  apiUrl = `http://127.0.0.1:${apiPort}`;
  const env = { ...ctx.env, LOG_LEVEL: 'info', API_PORT: String(apiPort), API_TOKENS: apiTokensValue(tokens) };
  const services = new Map(listServices().map((s) => [s.name, s]));
  for (const name of ['ingestion', 'role-assignment', 'scoring', 'api']) {
    const opsPort = await freePort();
    supervisor.start({ name, entry: services.get(name)!.entry, env: { ...env, OPS_PORT: String(opsPort) } });
    const ready = name === 'api' ? `${apiUrl}/readyz` : `http://127.0.0.1:${opsPort}/readyz`;
    await eventually(async () => {
      const answer = await fetch(ready).catch(() => undefined);
      if (answer?.status !== 200) throw new Error(`${name} not ready; its log:\n${logTail(name)}`);
    }, 60_000);
  }
  producer = await connectTestProducer(ctx.kafka);

  const template = await api('PUT', '/v1/role-templates/rt-console', {
    name: 'Marketing buyers',
    slots: [
      {
        role: DM,
        weight: 100,
        required: true,
        minMembers: 1,
        conditions: { field: 'jobTitle', op: 'hasAnyWord', value: ['CMO'] },
      },
      {
        role: 'Influencer',
        weight: 60,
        required: true,
        minMembers: 1,
        conditions: { field: 'jobTitle', op: 'hasAnyWord', value: ['VP', 'Director'] },
      },
      {
        role: 'Practitioner',
        weight: 40,
        required: false,
        conditions: { field: 'department', op: 'eq', value: 'Marketing' },
      },
    ],
  });
  expect(template.status, JSON.stringify(template.body)).toBeLessThan(300);
  expect((await api('POST', '/v1/role-templates/rt-console/publish')).status).toBe(200);
  expect(
    (
      await api('PUT', '/v1/account-audiences/aud-console', {
        name: 'Revenue over 1M',
        conditions: { field: 'annualRevenue', op: 'gt', value: 1_000_000 },
      })
    ).status,
  ).toBeLessThan(300);
  expect(
    (
      await api('PUT', `/v1/solution-interests/${SI}`, {
        name: 'Marketing Cloud',
        roleTemplateId: 'rt-console',
        audienceId: 'aud-console',
      })
    ).status,
  ).toBe(201);

  await send(
    Topics.crmAccounts,
    [ACME, GLOBEX].map((a) => ({ key: a.accountId, value: crmEvent('account.upserted', a) })),
  );
  await send(
    Topics.crmPersons,
    [
      person('p-marketer', ACME.accountId, 'Marketing Manager', 'Marketing', 1),
      person('p-globex-cmo', GLOBEX.accountId, 'CMO', 'Marketing', 1),
    ].map((p) => ({ key: p.personId, value: crmEvent('person.upserted', p) })),
  );
  await groupOf(ACME.accountId, (g) => g.members.some((m: Json) => m.personId === 'p-marketer'));
  await groupOf(GLOBEX.accountId, (g) => g.members.some((m: Json) => m.personId === 'p-globex-cmo'));

  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  // Under stress -c 2 with other suites beside it, the browser and the pipeline behind a page were starved past 30 s
  // (a screenshot, a removal shown): each wait gets a minute, each test two.
  page.setDefaultTimeout(60_000);
  failed = false;
}, 240_000);

afterEach(({ task }) => {
  if (task.result?.state === 'fail') failed = true;
});

afterAll(async () => {
  if (failed && page)
    await page.screenshot({ path: join(artifacts, 'failure.png'), fullPage: true }).catch(() => undefined);
  await browser?.close();
  await supervisor?.stopAll(10_000);
  await producer?.disconnect();
  if (failed) console.warn(`[console test] service logs kept in ${join(workDir, 'logs')}`);
  else if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe('the operator console in a browser', { timeout: 120_000 }, () => {
  it('signs in with a token kept for the tab only', async () => {
    await page.goto(`${apiUrl}/`);
    await page.getByLabel('API token').fill('not-a-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'not valid' }).waitFor();
    await page.getByLabel('API token').fill(tokens.admin);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Buying groups', level: 1 }).waitFor();
    expect(await page.evaluate(() => Object.keys(sessionStorage))).toEqual(['bg.console.token']);
    expect(await page.evaluate(() => Object.keys(localStorage))).toEqual([]);
  });

  it('finds the groups missing their Decision Maker in two clicks', async () => {
    const rows = page.locator('table.groups tbody tr');
    await rows.filter({ hasText: 'Globex' }).waitFor();
    await page.getByRole('button', { name: 'Decision Maker missing' }).click();
    await page.getByRole('button', { name: 'Completeness < 50' }).click();
    await rows.filter({ hasText: 'Globex' }).waitFor({ state: 'detached' });
    await rows.filter({ hasText: 'Acme Corp' }).waitFor();
    expect(await rows.count()).toBe(1);
    const acme = rows.first();
    expect(await acme.innerText()).toContain(DM);
    expect(page.url()).toContain('missingRole=Decision+Maker');
    await page.getByText('Live', { exact: true }).waitFor();
    await page.screenshot({ path: join(artifacts, 'list.png'), fullPage: true });
  });

  it('opens a group and says why a member holds the role', async () => {
    await page.getByRole('link', { name: 'Marketing Cloud for Acme Corp' }).click();
    await page.getByRole('heading', { name: 'Marketing Cloud for Acme Corp', level: 1 }).waitFor();
    const marketer = page.locator('table.members tr', { hasText: 'p-marketer' });
    expect(await marketer.innerText()).toContain('Marketing matched department eq Marketing');
    await page.getByRole('heading', { name: 'Completeness by slot' }).waitFor();
    expect(await page.locator('#h-slots + table').innerText()).toContain(DM);
  });

  it('shows a CRM change in the open group without reloading', async () => {
    await page.getByText('Live', { exact: true }).waitFor();
    await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
    await send(Topics.crmPersons, [
      {
        key: 'p-acme-cmo',
        value: crmEvent('person.upserted', person('p-acme-cmo', ACME.accountId, 'CMO', 'Executive', 2)),
      },
    ]);
    const cmo = page.locator('table.members tr', { hasText: 'p-acme-cmo' });
    await cmo.waitFor();
    expect(await cmo.innerText()).toContain('CMO matched jobTitle hasAnyWord [CMO]');
    await page.getByText(/updated just now/).waitFor();
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    await page.screenshot({ path: join(artifacts, 'group.png'), fullPage: true });
  });

  it('removes a member from the page: role-assignment applies it and the group shows it removed', async () => {
    await page.getByRole('button', { name: 'Remove p-marketer' }).click();
    await page.locator('table.members tr', { hasText: 'p-marketer' }).waitFor({ state: 'detached' });
    await page.locator('#h-removed + table tr', { hasText: 'p-marketer' }).waitFor();
    const group = await groupOf(ACME.accountId, (g) => g.removedMembers.some((r: Json) => r.personId === 'p-marketer'));
    expect(group.cause.eventType).toBe('operator.member.removed');
    expect(await page.locator('#h-history ~ ol').innerText()).toContain('member removed by an operator');
    await page.screenshot({ path: join(artifacts, 'group-after-removal.png'), fullPage: true });
  });

  it('previews a template change as a dry run from the components page', async () => {
    const draft = await api('PUT', '/v1/role-templates/rt-console', {
      name: 'Marketing buyers',
      slots: [
        {
          role: DM,
          weight: 100,
          required: true,
          minMembers: 1,
          conditions: { field: 'department', op: 'eq', value: 'Marketing' },
        },
        {
          role: 'Influencer',
          weight: 60,
          required: true,
          minMembers: 1,
          conditions: { field: 'jobTitle', op: 'hasAnyWord', value: ['VP'] },
        },
      ],
    });
    expect(draft.body.version).toBe(2);
    await page.getByRole('link', { name: 'Components' }).click();
    await page.getByRole('heading', { name: 'Solution interests' }).waitFor();
    await page.getByLabel('Preview template version').selectOption('2');
    await page.getByRole('button', { name: 'Dry run' }).click();
    const result = page.locator('.preview');
    await result.waitFor();
    expect(await result.innerText()).toMatch(/2 accounts evaluated: .* Nothing was changed\./);
    await page.screenshot({ path: join(artifacts, 'components.png'), fullPage: true });
  });

  it('imports a CSV file and shows each refused line with its reason', async () => {
    await page.getByRole('link', { name: 'Import' }).click();
    await page.getByLabel('File (CSV or NDJSON)').setInputFiles({
      name: 'members.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        [
          'accountId,solutionInterestId,personId,role',
          `${GLOBEX.accountId},${SI},p-globex-cmo,Champion`,
          `${ACME.accountId},${SI},p-nobody,Champion`,
          `${ACME.accountId},${SI},p-acme-cmo,Boss`,
        ].join('\n'),
      ),
    });
    await page.getByRole('button', { name: 'Import' }).click();
    await page.getByRole('heading', { name: '1 accepted, 2 refused' }).waitFor();
    const refused = await page.locator('table tbody tr').allInnerTexts();
    expect(refused).toHaveLength(2);
    expect(refused[0]).toMatch(/^3\s+.*p-nobody/);
    expect(refused[1]).toMatch(/^4\s+.*Boss/);
    await page.screenshot({ path: join(artifacts, 'import.png'), fullPage: true });
  });

  it("opens Swagger UI from the console, loading the OpenAPI document with the tab's token", async () => {
    await page.getByRole('link', { name: 'API docs' }).click();
    // Swagger UI is a megabyte of script to parse: past 30 s once on a loaded machine.
    await page.getByText('/v1/buying-groups/live').first().waitFor({ timeout: 90_000 });
    expect(await page.locator('.info .title').innerText()).toContain('Buying groups API');
    await page.screenshot({ path: join(artifacts, 'docs.png') });
    await page.goBack();
    await page.getByRole('heading', { level: 1 }).waitFor();
  }, 150_000);

  it('labels every control, reaches them by keyboard and keeps text readable', async () => {
    await page.goto(`${apiUrl}/console/#/groups`);
    await page.getByRole('heading', { name: 'Buying groups', level: 1 }).waitFor();
    const unlabelled = await page.evaluate(() =>
      [...document.querySelectorAll('input, select, textarea')]
        .filter((c) => (c as HTMLInputElement).labels?.length === 0 && !c.getAttribute('aria-label'))
        .map((c) => c.outerHTML),
    );
    expect(unlabelled).toEqual([]);

    const reached = new Set<string>();
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab');
      reached.add(
        await page.evaluate(() => document.activeElement?.id || document.activeElement?.textContent?.trim() || ''),
      );
    }
    expect(reached).toContain('Decision Maker missing');
    expect(reached).toContain('f-missingRole');
    expect([...reached].some((name) => name.includes('Acme Corp'))).toBe(true);

    // WCAG AA: at least 4.5:1 for text against the background it sits on.
    const ratios = await page.evaluate(() => {
      const rgb = (color: string) => (color.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number);
      const lum = (c: number[]) => {
        const [r, g, b] = c.map((v) => {
          const s = v / 255;
          return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
        });
        return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
      };
      const background = (el: Element | null): number[] => {
        for (let e = el; e; e = e.parentElement) {
          const bg = getComputedStyle(e).backgroundColor;
          if (bg && !bg.startsWith('rgba(0, 0, 0, 0)') && bg !== 'transparent') return rgb(bg);
        }
        return [255, 255, 255];
      };
      return [...document.querySelectorAll('h1, th, td, a, button, label, .muted, .tag')]
        .filter((e) => (e.textContent ?? '').trim() !== '')
        .map((e) => {
          const [a, b] = [lum(rgb(getComputedStyle(e).color)), lum(background(e))];
          return {
            text: (e.textContent ?? '').trim().slice(0, 30),
            ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05),
          };
        })
        .filter((r) => r.ratio < 4.5);
    });
    expect(ratios).toEqual([]);
  });
});
