import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import type { Producer } from 'kafkajs';
import { Topics, type PersonUpserted } from '@bg/contracts';
import { createLogger, loadConfig, type RunningWorker } from '@bg/service-kit';
import { connectTestProducer, consumerLag, createTestContext, TopicProbe, type TestContext } from '@bg/testing';
import { enrichmentConfigSchema } from '../../src/config';
import { startEnrichment } from '../../src/app';
import { audienceName } from '../../src/domain/audience-membership';
import { AD_ACCOUNT_ID, FakeLinkedIn, LINKEDIN_TOKEN } from '../unit/support/fake-linkedin';
import { FakeZoomInfo, ZOOMINFO_USER, type FakeContact } from '../unit/support/fake-zoominfo';
import { accountChanged, eventually, personChanged, roleGap, type Slot } from './support/internal-events';

const contact = (
  id: number,
  name: string,
  jobTitle: string,
  level: string,
  companyName: string,
  companyWebsite: string,
): FakeContact => {
  const [firstName = '', lastName = ''] = name.split(' ');
  return {
    id,
    firstName,
    lastName,
    email: `${firstName.toLowerCase()}.${lastName.toLowerCase()}@${companyWebsite}`,
    jobTitle,
    jobFunction: { name: 'Executive', department: 'C-Suite' },
    managementLevel: [level],
    companyName,
    companyWebsite,
  };
};

const CONTACTS = [
  contact(1001, 'Ada Lovelace', 'Chief Information Security Officer', 'C-Level', 'Acme Robotics', 'acme-robotics.com'),
  contact(1002, 'Grace Hopper', 'Chief Technology Officer', 'C-Level', 'Acme Robotics', 'acme-robotics.com'),
  contact(2001, 'Alan Turing', 'Chief Information Security Officer', 'C-Level', 'Globex', 'globex.example'),
  contact(3001, 'Edsger Dijkstra', 'Chief Information Security Officer', 'C-Level', 'Initech', 'initech.example'),
];

const decisionMaker: Slot = {
  solutionInterestId: 'si-security',
  role: 'Decision Maker',
  slot: 0,
  conditions: {
    all: [
      { field: 'jobTitle', op: 'containsAny', value: ['Chief Information Security Officer', 'CISO'] },
      { field: 'relationship', op: 'eq', value: 'employee' },
    ],
  },
};
const influencer: Slot = {
  solutionInterestId: 'si-security',
  role: 'Influencer',
  slot: 1,
  conditions: { field: 'seniority', op: 'in', value: ['VP', 'Director'] },
};
const cloudDecisionMaker: Slot = { ...decisionMaker, solutionInterestId: 'si-cloud' };

/** A person of Acme known to the CRM by email only: the rules cannot place her until she is enriched. */
const grace: PersonUpserted = {
  personId: 'crm-grace',
  email: 'grace.hopper@acme-robotics.com',
  firstName: 'Grace',
  lastName: 'Hopper',
  jobTitle: null,
  department: null,
  seniority: null,
  country: 'US',
  accounts: [
    { accountId: 'acme', relationship: 'employee' },
    { accountId: 'acme-eu', relationship: 'contractor' },
  ],
  attributes: { tier: 'gold' },
  updatedAt: '2026-11-26T09:00:00.000Z',
};

let ctx: TestContext;
let service: RunningWorker;
let producer: Producer;
let persons: TopicProbe;
let db: pg.Pool;
let zoomInfo: FakeZoomInfo;
let linkedIn: FakeLinkedIn;

const t = (topic: string) => `${ctx.topicPrefix}${topic}`;
const send = (topic: string, key: string, value: string) =>
  producer.send({ topic: t(topic), messages: [{ key, value }] });
/** Every event sent so far has been applied (its offset committed after its transaction). */
const consumedAll = () =>
  eventually(
    async () =>
      (await consumerLag(ctx.kafka, `${ctx.topicPrefix}enrichment`, [
        t(Topics.roleEvents),
        t(Topics.recordChanges),
      ])) === 0,
  );
const knownAccount = (accountId: string) =>
  eventually(async () => (await db.query('SELECT 1 FROM accounts WHERE account_id = $1', [accountId])).rowCount === 1);
const searchesFor = (website: string) =>
  zoomInfo
    .requestsTo('/search/contact')
    .filter((r) => (r.body as { companyWebsite?: string }).companyWebsite === website);
const jobsOf = async (accountId: string) =>
  (
    await db.query(
      'SELECT solution_interest_id, role, status, attempts, found_count, enriched_count, last_error, updated_at FROM lookup_jobs WHERE account_id = $1 ORDER BY created_at',
      [accountId],
    )
  ).rows;

const start = (env: Record<string, string>) =>
  startEnrichment(loadConfig(enrichmentConfigSchema, env), createLogger('enrichment', ctx.env.LOG_LEVEL!), (error) => {
    throw error;
  });

type PersonEvent = { id: string; type: string; source: string; data: PersonUpserted };
const published = (personId: string) => persons.values<PersonEvent>().filter((e) => e.data.personId === personId);

beforeAll(async () => {
  ctx = await createTestContext();
  db = new pg.Pool({ connectionString: ctx.databaseUrl, options: '-c search_path=enrichment' });
  zoomInfo = new FakeZoomInfo(CONTACTS);
  linkedIn = new FakeLinkedIn();
  const [zoomInfoUrl, linkedInUrl] = await Promise.all([zoomInfo.start(), linkedIn.start()]);
  producer = await connectTestProducer(ctx.kafka);
  persons = await new TopicProbe(ctx.kafka, t(Topics.crmPersons)).start();
  const env = {
    ...ctx.env,
    ZOOMINFO_BASE_URL: zoomInfoUrl,
    ZOOMINFO_USERNAME: ZOOMINFO_USER.username,
    ZOOMINFO_PASSWORD: ZOOMINFO_USER.password,
    LINKEDIN_BASE_URL: linkedInUrl,
    LINKEDIN_ACCESS_TOKEN: LINKEDIN_TOKEN,
    LINKEDIN_AD_ACCOUNT_ID: AD_ACCOUNT_ID,
    LINKEDIN_VERSION: '202601',
    LINKEDIN_SOURCE_PLATFORM: 'PARTNER_X',
    ENRICHMENT_MAX_ATTEMPTS: '3',
    ENRICHMENT_RETRY_BASE_MS: '1000',
    ENRICHMENT_POLL_INTERVAL_MS: '100',
    // The outage below is partial (one company); the breaker, unit-tested on its own, is kept out of the way here.
    ENRICHMENT_CIRCUIT_FAILURES: '100',
  };
  service = await start(env);
});

afterAll(async () => {
  await service?.stop();
  await Promise.all([persons?.stop(), producer?.disconnect(), zoomInfo?.stop(), linkedIn?.stop()]);
  await db?.end();
  expect(zoomInfo?.violations ?? []).toEqual([]);
  expect(linkedIn?.violations ?? []).toEqual([]);
});

describe('enrichment', () => {
  it('a missing Decision Maker triggers one search, even redelivered or repeated within the cool-down, and the person found is published as a CRM person', async () => {
    await send(Topics.recordChanges, 'acme', accountChanged('acme', 'Acme Robotics', 'acme-robotics.com'));
    await send(Topics.recordChanges, 'acme', personChanged('acme', grace));
    await knownAccount('acme');
    await eventually(
      async () => (await db.query("SELECT 1 FROM account_persons WHERE account_id = 'acme'")).rowCount === 1,
    );

    const missing = roleGap('bg.role.missing', 'acme', decisionMaker, 'evt-dm-missing');
    await send(Topics.roleEvents, 'acme', missing);
    await send(Topics.roleEvents, 'acme', missing); // redelivery: same id
    await send(Topics.roleEvents, 'acme', roleGap('bg.role.missing', 'acme', decisionMaker, 'evt-dm-missing-again'));

    await persons.waitFor(() => published('zi-1001').length === 1 && published('crm-grace').length === 1);
    await consumedAll();
    await eventually(async () => (await jobsOf('acme'))[0]?.status === 'done');

    expect(searchesFor('acme-robotics.com')).toHaveLength(1);
    expect(searchesFor('acme-robotics.com')[0]?.body).toMatchObject({
      jobTitle: 'Chief Information Security Officer OR CISO',
    });
    expect(await jobsOf('acme')).toEqual([
      expect.objectContaining({
        solution_interest_id: 'si-security',
        role: 'Decision Maker',
        status: 'done',
        attempts: 1,
        found_count: 1,
        enriched_count: 1,
      }),
    ]);

    const [found] = published('zi-1001');
    const message = persons.messages.find((m) => (m.json() as PersonEvent).data.personId === 'zi-1001');
    expect(message?.key).toBe('zi-1001');
    expect(found).toMatchObject({ type: 'person.upserted', source: 'enrichment/zoominfo' });
    expect(found?.data).toMatchObject({
      personId: 'zi-1001',
      email: 'ada.lovelace@acme-robotics.com',
      jobTitle: 'Chief Information Security Officer',
      seniority: 'C-Level',
      department: 'C-Suite',
      accounts: [{ accountId: 'acme', relationship: 'employee' }],
    });
    expect(Date.parse(found!.data.updatedAt)).toBeGreaterThan(Date.parse('2026-11-26T09:00:00Z'));
  });

  it('completes the known people the rules cannot place, keeping their accounts and attributes', () => {
    const [enriched] = published('crm-grace');
    expect(enriched?.source).toBe('enrichment/zoominfo');
    expect(enriched?.data).toEqual({
      ...grace,
      jobTitle: 'Chief Technology Officer',
      department: 'C-Suite',
      seniority: 'C-Level',
      updatedAt: expect.any(String),
    });
    expect(Date.parse(enriched!.data.updatedAt)).toBeGreaterThan(Date.parse(grace.updatedAt));
  });

  it('records every outbound call with what was asked and why, and counts them in /metrics', async () => {
    const { rows } = await db.query(
      `SELECT provider, method, url, status, outcome, attempt, job_kind, purpose, solution_interest_id, role, duration_ms
       FROM provider_calls WHERE account_id = 'acme' AND provider = 'zoominfo' ORDER BY call_id`,
    );
    const path = (url: string) => new URL(url).pathname;
    expect(rows.map((r) => [r.purpose, r.method, path(r.url), r.status, r.outcome])).toEqual([
      ['find-people', 'POST', '/authenticate', 200, 'ok'],
      ['find-people', 'POST', '/search/contact', 200, 'ok'],
      ['find-people', 'POST', '/enrich/contact', 200, 'ok'],
      ['enrich-people', 'POST', '/enrich/contact', 200, 'ok'],
    ]);
    expect(
      rows.every(
        (r) =>
          r.job_kind === 'lookup' &&
          r.solution_interest_id === 'si-security' &&
          r.role === 'Decision Maker' &&
          r.attempt === 1,
      ),
    ).toBe(true);
    expect(JSON.stringify(rows)).not.toContain(ZOOMINFO_USER.password);

    const metrics = await (await fetch(`${service.opsUrl}/metrics`)).text();
    expect(metrics).toMatch(/bg_enrichment_provider_calls_total\{[^}]*provider="zoominfo"[^}]*outcome="ok"[^}]*\} 4\n/);
    expect(metrics).toMatch(/bg_enrichment_lookups_skipped_total\{[^}]*reason="cooldown"[^}]*\} 1\n/);
    expect(metrics).toMatch(/bg_enrichment_lookup_jobs\{[^}]*status="done"[^}]*\} 1\n/);
  });

  it('adds the account to the LinkedIn audience while any role is missing, and removes it once all are filled', async () => {
    const segmentName = audienceName('si-security');
    const segment = await eventually(() =>
      linkedIn.segments.find((s) => s.name === segmentName && s.companies.has('acme-robotics.com')),
    );
    const companyCalls = () => linkedIn.requests.filter((r) => r.path === `/rest/dmpSegments/${segment.id}/companies`);
    expect(companyCalls().map((r) => r.body)).toEqual([
      { elements: [{ action: 'ADD', companyName: 'Acme Robotics', companyWebsiteDomain: 'acme-robotics.com' }] },
    ]);

    await send(Topics.roleEvents, 'acme', roleGap('bg.role.missing', 'acme', influencer, 'evt-inf-missing'));
    await send(Topics.roleEvents, 'acme', roleGap('bg.role.filled', 'acme', decisionMaker, 'evt-dm-filled'));
    await consumedAll();
    const member = () =>
      db.query(
        "SELECT missing_roles, in_audience, status FROM audience_members WHERE account_id = 'acme' AND solution_interest_id = 'si-security'",
      );
    // The add may still be committing; once it has, the row is in sync with Influencer alone missing.
    await eventually(async () => (await member()).rows[0]?.status === 'in-sync');
    expect((await member()).rows[0]).toEqual({ missing_roles: ['Influencer'], in_audience: true, status: 'in-sync' });

    await send(Topics.roleEvents, 'acme', roleGap('bg.role.filled', 'acme', influencer, 'evt-inf-filled'));
    await eventually(() => !segment.companies.has('acme-robotics.com'));
    await eventually(async () => {
      const { rows } = await member();
      return rows[0]?.status === 'in-sync' && rows[0]?.in_audience === false && rows[0]?.missing_roles.length === 0;
    });
    expect(companyCalls().map((r) => (r.body as { elements: Array<{ action: string }> }).elements[0]?.action)).toEqual([
      'ADD',
      'REMOVE',
    ]);
    expect(linkedIn.segments.filter((s) => s.name === segmentName)).toHaveLength(1);

    const audit = await db.query(
      "SELECT purpose, outcome, role FROM provider_calls WHERE account_id = 'acme' AND provider = 'linkedin' ORDER BY call_id",
    );
    expect(audit.rows.map((r) => r.purpose)).toEqual(expect.arrayContaining(['audience-add', 'audience-remove']));
    expect(audit.rows.every((r) => r.outcome === 'ok')).toBe(true);
    expect(audit.rows.find((r) => r.purpose === 'audience-add')?.role).toBe('Decision Maker');
  });

  it('retries a provider outage, then parks that job, while another account is served meanwhile', async () => {
    zoomInfo.outages.add('initech.example');
    await send(Topics.recordChanges, 'initech', accountChanged('initech', 'Initech', 'initech.example'));
    await send(Topics.recordChanges, 'globex', accountChanged('globex', 'Globex', 'globex.example'));
    await knownAccount('initech');
    await knownAccount('globex');

    await send(Topics.roleEvents, 'initech', roleGap('bg.role.missing', 'initech', cloudDecisionMaker));
    await eventually(
      async () =>
        (await db.query("SELECT 1 FROM provider_calls WHERE account_id = 'initech' AND status = 503")).rowCount! > 0,
    );
    await send(Topics.roleEvents, 'globex', roleGap('bg.role.missing', 'globex', cloudDecisionMaker));

    await persons.waitFor(() => published('zi-2001').length === 1);
    const [outage] = await eventually(async () => {
      const jobs = await jobsOf('initech');
      return jobs[0]?.status === 'parked' ? jobs : undefined;
    });
    const [served] = await jobsOf('globex');
    expect(served).toMatchObject({ status: 'done', found_count: 1 });
    expect(outage).toMatchObject({ status: 'parked', attempts: 3 });
    expect(outage.last_error).toContain('gave up after 3 attempts');
    expect(outage.last_error).toContain('503');
    // Globex was served while Initech was still being retried.
    expect(served.updated_at.getTime()).toBeLessThan(outage.updated_at.getTime());

    const calls = await db.query(
      "SELECT status, outcome, attempt, purpose, role FROM provider_calls WHERE account_id = 'initech' AND provider = 'zoominfo' ORDER BY call_id",
    );
    expect(calls.rows).toHaveLength(9); // 3 job attempts × 3 tries in place
    expect(
      calls.rows.every(
        (r) =>
          r.status === 503 && r.outcome === 'unavailable' && r.purpose === 'find-people' && r.role === 'Decision Maker',
      ),
    ).toBe(true);
    expect(searchesFor('initech.example')).toHaveLength(9);
    expect(published('zi-3001')).toEqual([]);

    const metrics = await (await fetch(`${service.opsUrl}/metrics`)).text();
    expect(metrics).toMatch(/bg_enrichment_lookup_jobs\{[^}]*status="parked"[^}]*\} 1\n/);
    expect(metrics).toMatch(
      /bg_enrichment_provider_calls_total\{[^}]*provider="zoominfo"[^}]*outcome="unavailable"[^}]*\} 9\n/,
    );
  });
});

describe('enrichment with no provider configured', () => {
  it('keeps its state and reports ready, but looks nothing up and calls nobody', async () => {
    await service.stop();
    service = await start(ctx.env);
    const callsBefore = (await db.query('SELECT count(*)::int AS n FROM provider_calls')).rows[0].n;
    const requestsBefore =
      zoomInfo.requestsTo('/search/contact').length +
      zoomInfo.requestsTo('/enrich/contact').length +
      linkedIn.requests.length;

    await send(Topics.recordChanges, 'hooli', accountChanged('hooli', 'Hooli', 'hooli.example'));
    await send(Topics.roleEvents, 'hooli', roleGap('bg.role.missing', 'hooli', decisionMaker, 'evt-hooli-missing'));
    await consumedAll();
    await knownAccount('hooli');

    expect(await jobsOf('hooli')).toEqual([]);
    // The wish is kept, so an audience configured later catches up with the accounts already missing roles.
    const member = await db.query(
      "SELECT missing_roles, in_audience, status FROM audience_members WHERE account_id = 'hooli'",
    );
    expect(member.rows).toEqual([{ missing_roles: ['Decision Maker'], in_audience: false, status: 'pending' }]);

    expect((await fetch(`${service.opsUrl}/readyz`)).status).toBe(200);
    const metrics = await (await fetch(`${service.opsUrl}/metrics`)).text();
    expect(metrics).toMatch(/bg_enrichment_lookups_skipped_total\{[^}]*reason="no-provider"[^}]*\} 1\n/);
    expect(metrics).not.toMatch(/bg_enrichment_provider_calls_total\{/);
    expect((await db.query('SELECT count(*)::int AS n FROM provider_calls')).rows[0].n).toBe(callsBefore);
    expect(
      zoomInfo.requestsTo('/search/contact').length +
        zoomInfo.requestsTo('/enrich/contact').length +
        linkedIn.requests.length,
    ).toBe(requestsBefore);
  });
});
