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
import { accountChanged, eventually, groupDissolved, roleGap, type Slot } from './support/internal-events';

/**
 * A dissolved group (its account left the audience or was deleted, its solution interest was deleted) asks for nobody:
 * enrichment takes the account out of the LinkedIn audience and stops the group's lookups; a revived group resumes.
 */

const ciso = (id: number, firstName: string, companyName: string, companyWebsite: string): FakeContact => ({
  id,
  firstName,
  lastName: 'Doe',
  email: `${firstName.toLowerCase()}.doe@${companyWebsite}`,
  jobTitle: 'Chief Information Security Officer',
  jobFunction: { name: 'Executive', department: 'C-Suite' },
  managementLevel: ['C-Level'],
  companyName,
  companyWebsite,
});

const decisionMaker: Slot = {
  solutionInterestId: 'si-security',
  role: 'Decision Maker',
  slot: 0,
  conditions: { field: 'jobTitle', op: 'containsAny', value: ['Chief Information Security Officer', 'CISO'] },
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
const jobsOf = async (accountId: string) =>
  (
    await db.query<{ job_id: string; status: string; attempts: number }>(
      'SELECT job_id, status, attempts FROM lookup_jobs WHERE account_id = $1 ORDER BY created_at, job_id',
      [accountId],
    )
  ).rows;
const audienceMember = async (accountId: string) =>
  (
    await db.query(
      `SELECT missing_roles, in_audience, status, group_version FROM audience_members
       WHERE account_id = $1 AND solution_interest_id = 'si-security'`,
      [accountId],
    )
  ).rows[0];
const searchesFor = (website: string) =>
  zoomInfo
    .requestsTo('/search/contact')
    .filter((r) => (r.body as { companyWebsite?: string }).companyWebsite === website);
const segment = () => linkedIn.segments.find((s) => s.name === audienceName('si-security'));
const inAudience = (website: string) => segment()?.companies.has(website) === true;
const audienceActions = (website: string) =>
  linkedIn.requests
    .filter((r) => r.path.endsWith('/companies'))
    .flatMap((r) => (r.body as { elements: Array<{ action: string; companyWebsiteDomain?: string }> }).elements)
    .filter((e) => e.companyWebsiteDomain === website)
    .map((e) => e.action);
const metrics = async () => (await fetch(`${service.opsUrl}/metrics`)).text();

type PersonEvent = { id: string; data: PersonUpserted };
const published = (personId: string) => persons.values<PersonEvent>().filter((e) => e.data.personId === personId);

beforeAll(async () => {
  ctx = await createTestContext();
  db = new pg.Pool({ connectionString: ctx.databaseUrl, options: '-c search_path=enrichment' });
  zoomInfo = new FakeZoomInfo([
    ciso(4001, 'Alice', 'Umbrella Corp', 'umbrella.example'),
    ciso(5001, 'Bruce', 'Wayne Enterprises', 'wayne.example'),
  ]);
  linkedIn = new FakeLinkedIn();
  const [zoomInfoUrl, linkedInUrl] = await Promise.all([zoomInfo.start(), linkedIn.start()]);
  producer = await connectTestProducer(ctx.kafka);
  persons = await new TopicProbe(ctx.kafka, t(Topics.crmPersons)).start();
  const config = loadConfig(enrichmentConfigSchema, {
    ...ctx.env,
    ZOOMINFO_BASE_URL: zoomInfoUrl,
    ZOOMINFO_USERNAME: ZOOMINFO_USER.username,
    ZOOMINFO_PASSWORD: ZOOMINFO_USER.password,
    LINKEDIN_BASE_URL: linkedInUrl,
    LINKEDIN_ACCESS_TOKEN: LINKEDIN_TOKEN,
    LINKEDIN_AD_ACCOUNT_ID: AD_ACCOUNT_ID,
    LINKEDIN_VERSION: '202601',
    LINKEDIN_SOURCE_PLATFORM: 'PARTNER_X',
    // A failed lookup waits ten minutes before its next attempt: it stays pending for the whole test.
    ENRICHMENT_RETRY_BASE_MS: '600000',
    ENRICHMENT_POLL_INTERVAL_MS: '100',
    ENRICHMENT_CIRCUIT_FAILURES: '100',
  });
  service = await startEnrichment(config, createLogger('enrichment', ctx.env.LOG_LEVEL!), (error) => {
    throw error;
  });
});

afterAll(async () => {
  await service?.stop();
  await Promise.all([persons?.stop(), producer?.disconnect(), zoomInfo?.stop(), linkedIn?.stop()]);
  await db?.end();
  expect(zoomInfo?.violations ?? []).toEqual([]);
  expect(linkedIn?.violations ?? []).toEqual([]);
});

describe('a dissolved group', () => {
  it('leaves the LinkedIn audience and its pending lookup is cancelled; an older event re-sent changes nothing; revived, it is served again', async () => {
    zoomInfo.outages.add('umbrella.example');
    await send(Topics.recordChanges, 'umbrella', accountChanged('umbrella', 'Umbrella Corp', 'umbrella.example'));
    await knownAccount('umbrella');
    const missing = roleGap('bg.role.missing', 'umbrella', decisionMaker, 'evt-umbrella-missing', 1);
    await send(Topics.roleEvents, 'umbrella', missing);

    // In the audience, and its lookup failed once (ZoomInfo down for Umbrella): pending, due in ten minutes.
    await eventually(() => inAudience('umbrella.example'));
    await eventually(async () => {
      const [job] = await jobsOf('umbrella');
      return job?.status === 'pending' && job.attempts === 1;
    });
    expect(await jobsOf('umbrella')).toEqual([
      { job_id: 'lookup:evt-umbrella-missing', status: 'pending', attempts: 1 },
    ]);

    await send(Topics.roleEvents, 'umbrella', groupDissolved('umbrella', 'si-security', 2));
    await eventually(() => !inAudience('umbrella.example'));
    await eventually(async () => (await audienceMember('umbrella'))?.status === 'in-sync');
    expect(await audienceMember('umbrella')).toEqual({
      missing_roles: [],
      in_audience: false,
      status: 'in-sync',
      group_version: 2,
    });
    expect(await jobsOf('umbrella')).toEqual([
      { job_id: 'lookup:evt-umbrella-missing', status: 'cancelled', attempts: 1 },
    ]);

    // The role event of version 1 re-sent (a relay crash before it deleted the row) is older than the dissolution.
    await send(Topics.roleEvents, 'umbrella', missing);
    await consumedAll();
    expect(await audienceMember('umbrella')).toMatchObject({ missing_roles: [], in_audience: false, group_version: 2 });
    expect(await jobsOf('umbrella')).toHaveLength(1);

    // Back in the audience (version 3 reports its missing role again): served like a new group, no cool-down.
    zoomInfo.outages.delete('umbrella.example');
    await send(
      Topics.roleEvents,
      'umbrella',
      roleGap('bg.role.missing', 'umbrella', decisionMaker, 'evt-umbrella-revived', 3),
    );
    await persons.waitFor(() => published('zi-4001').length === 1);
    await eventually(() => inAudience('umbrella.example'));
    await eventually(async () => (await jobsOf('umbrella'))[1]?.status === 'done');
    expect(await jobsOf('umbrella')).toEqual([
      { job_id: 'lookup:evt-umbrella-missing', status: 'cancelled', attempts: 1 },
      { job_id: 'lookup:evt-umbrella-revived', status: 'done', attempts: 1 },
    ]);
    expect(published('zi-4001').map((e) => e.id)).toEqual(['lookup:evt-umbrella-revived/zi-4001']);
    // Three tries in place while ZoomInfo was down, then the revived group's one search.
    expect(searchesFor('umbrella.example')).toHaveLength(4);
    expect(audienceActions('umbrella.example')).toEqual(['ADD', 'REMOVE', 'ADD']);
  });

  it('stops a lookup caught running: its result is dropped, never retried, and the calls it made stay audited', async () => {
    const release = zoomInfo.holdSearches('wayne.example');
    await send(Topics.recordChanges, 'wayne', accountChanged('wayne', 'Wayne Enterprises', 'wayne.example'));
    await knownAccount('wayne');
    await send(Topics.roleEvents, 'wayne', roleGap('bg.role.missing', 'wayne', decisionMaker, 'evt-wayne-missing', 1));
    await eventually(() => searchesFor('wayne.example').length === 1);
    expect(await jobsOf('wayne')).toEqual([{ job_id: 'lookup:evt-wayne-missing', status: 'running', attempts: 1 }]);

    await send(Topics.roleEvents, 'wayne', groupDissolved('wayne', 'si-security', 2));
    await eventually(async () => (await jobsOf('wayne'))[0]?.status === 'cancelled');
    release();
    await eventually(async () =>
      /bg_enrichment_jobs_total\{[^}]*kind="lookup"[^}]*result="lost"[^}]*\} 1\n/.test(await metrics()),
    );
    expect(await jobsOf('wayne')).toEqual([{ job_id: 'lookup:evt-wayne-missing', status: 'cancelled', attempts: 1 }]);
    const calls = await db.query(
      "SELECT purpose, status FROM provider_calls WHERE account_id = 'wayne' AND provider = 'zoominfo' AND url LIKE '%/search/contact%'",
    );
    expect(calls.rows).toEqual([{ purpose: 'find-people', status: 200 }]);

    // Revived, the group is served; the person the stopped lookup found was never published (same key, so it
    // would have come first).
    await send(Topics.roleEvents, 'wayne', roleGap('bg.role.missing', 'wayne', decisionMaker, 'evt-wayne-revived', 3));
    await persons.waitFor(() => published('zi-5001').length > 0);
    expect(published('zi-5001').map((e) => e.id)).toEqual(['lookup:evt-wayne-revived/zi-5001']);
    expect(await metrics()).toMatch(/bg_enrichment_lookups_cancelled_total(\{[^}]*\})? 2\n/);
  });
});
