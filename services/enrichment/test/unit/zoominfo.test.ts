import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ContactProvider } from '../../src/providers/contact-provider';
import { createZoomInfoProvider, type ZoomInfoConfig } from '../../src/providers/zoominfo';
import { CircuitBreaker } from '../../src/resilience/circuit-breaker';
import { createHttpClient, type CallRecord } from '../../src/resilience/http-client';
import { ProviderError } from '../../src/resilience/provider-error';
import { RequestBudget } from '../../src/resilience/request-budget';
import { fakeTime } from './support/fake-clock';
import { FakeZoomInfo, ZOOMINFO_USER, type FakeContact } from './support/fake-zoominfo';

const DOMAIN = 'acme-robotics.com';

function person(id: number, firstName: string, lastName: string, jobTitle: string, level: string): FakeContact {
  return {
    id,
    firstName,
    lastName,
    email: `${firstName.toLowerCase()}.${lastName.toLowerCase()}@${DOMAIN}`,
    jobTitle,
    jobFunction: { name: 'Executive', department: 'C-Suite' },
    managementLevel: [level],
    companyName: 'Acme Robotics',
    companyWebsite: DOMAIN,
  };
}

const CONTACTS: FakeContact[] = [
  person(1001, 'Ada', 'Lovelace', 'Chief Information Security Officer', 'C-Level'),
  person(1002, 'Grace', 'Hopper', 'Chief Technology Officer', 'C-Level'),
  person(1003, 'Alan', 'Turing', 'VP Security Engineering', 'VP-Level'),
  person(1004, 'Edsger', 'Dijkstra', 'Director of Security', 'Director'),
  person(1005, 'Barbara', 'Liskov', 'Security Manager', 'Manager'),
  person(1006, 'Donald', 'Knuth', 'Security Analyst', 'Non-Manager'),
  person(1007, 'Frances', 'Allen', 'Chief Security Officer', 'C-Level'),
  person(1008, 'Ken', 'Thompson', 'Marketing Manager', 'Manager'),
  { ...person(2001, 'John', 'Backus', 'Chief Information Security Officer', 'C-Level'), companyWebsite: 'other.io' },
];

const SECURITY = {
  accountDomain: DOMAIN,
  accountName: 'Acme Robotics',
  titles: ['Security', 'Chief Technology Officer'],
};

let fake: FakeZoomInfo;
let baseUrl: string;
beforeEach(async () => {
  fake = new FakeZoomInfo(CONTACTS);
  baseUrl = await fake.start();
});
afterEach(async () => {
  expect(fake.violations).toEqual([]);
  await fake.stop();
});

function zoomInfo(
  options: { config?: Partial<ZoomInfoConfig>; breaker?: CircuitBreaker; budget?: RequestBudget } = {},
) {
  const time = fakeTime();
  const calls: CallRecord[] = [];
  const http = createHttpClient({
    provider: 'zoominfo',
    retry: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 5000 },
    clock: time.clock,
    sleep: time.sleep,
    random: () => 0,
    onCall: (record) => calls.push(record),
    ...(options.breaker ? { breaker: options.breaker } : {}),
    ...(options.budget ? { budget: options.budget } : {}),
  });
  const provider: ContactProvider = createZoomInfoProvider(
    { baseUrl, ...ZOOMINFO_USER, pageSize: 3, ...options.config },
    { http, clock: time.clock },
  );
  return { provider, calls, time };
}

async function failureOf(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

describe('ZoomInfo adapter', () => {
  it('authenticates once, pages through the search and completes each person by enrich', async () => {
    const { provider } = zoomInfo();
    const found = await provider.searchContacts({ ...SECURITY, limit: 10 });

    expect(fake.authentications).toBe(1);
    const searches = fake.requestsTo('/search/contact');
    expect(searches.map((r) => r.body)).toEqual(
      [1, 2, 3].map((page) => ({
        companyWebsite: DOMAIN,
        jobTitle: 'Security OR Chief Technology Officer',
        excludePartialProfiles: true,
        rpp: 3,
        page,
      })),
    );
    expect(searches.every((r) => r.headers.authorization === 'Bearer eyJ.fake-jwt-1')).toBe(true);

    expect(found.map((c) => c.providerId)).toEqual(['1001', '1002', '1003', '1004', '1005', '1006', '1007']);
    expect(found[0]).toEqual({
      providerId: '1001',
      firstName: 'Ada',
      lastName: 'Lovelace',
      email: 'ada.lovelace@acme-robotics.com',
      jobTitle: 'Chief Information Security Officer',
      department: 'C-Suite',
      seniority: 'C-Level',
      companyName: 'Acme Robotics',
    });
    expect(found.map((c) => c.seniority)).toEqual([
      'C-Level',
      'C-Level',
      'VP',
      'Director',
      'Manager',
      'Individual Contributor',
      'C-Level',
    ]);
    const enrich = fake.requestsTo('/enrich/contact');
    expect(enrich).toHaveLength(1);
    expect(enrich[0]?.body).toMatchObject({
      matchPersonInput: found.map((c) => ({ personId: c.providerId })),
      outputFields: expect.arrayContaining(['email', 'jobTitle', 'jobFunction', 'managementLevel']),
    });
  });

  it('stops paging at the limit and pays for no more than it returns', async () => {
    const { provider } = zoomInfo();
    const found = await provider.searchContacts({ ...SECURITY, limit: 4 });
    expect(found).toHaveLength(4);
    expect(fake.requestsTo('/search/contact').map((r) => (r.body as { page: number }).page)).toEqual([1, 2]);
    expect(
      (fake.requestsTo('/enrich/contact')[0]?.body as { matchPersonInput: unknown[] }).matchPersonInput,
    ).toHaveLength(4);
  });

  it('searches by company name when the account has no domain, and not at all without titles', async () => {
    const { provider } = zoomInfo();
    await provider.searchContacts({
      accountDomain: null,
      accountName: 'Acme Robotics',
      titles: ['Marketing'],
      limit: 5,
    });
    expect(fake.requestsTo('/search/contact')[0]?.body).toMatchObject({ companyName: 'Acme Robotics' });

    await expect(provider.searchContacts({ ...SECURITY, titles: [' '], limit: 5 })).resolves.toEqual([]);
    expect(fake.requestsTo('/search/contact')).toHaveLength(1);
  });

  it('enriches known people by email or by full name and company, in batches of 25, leaving out the unmatched', async () => {
    const { provider } = zoomInfo();
    const unknown = Array.from({ length: 26 }, (_, i) => ({
      personId: `p-unknown-${i}`,
      email: `nobody${i}@example.com`,
    }));
    const enriched = await provider.enrichContacts([
      { personId: 'p-1', email: 'grace.hopper@acme-robotics.com' },
      { personId: 'p-2', firstName: 'Alan', lastName: 'Turing', companyName: 'Acme Robotics' },
      { personId: 'p-3', firstName: 'Nameless' },
      ...unknown,
    ]);
    expect(enriched).toEqual([
      expect.objectContaining({
        personId: 'p-1',
        providerId: '1002',
        jobTitle: 'Chief Technology Officer',
        seniority: 'C-Level',
      }),
      expect.objectContaining({ personId: 'p-2', providerId: '1003', department: 'C-Suite', seniority: 'VP' }),
    ]);
    const batches = fake
      .requestsTo('/enrich/contact')
      .map((r) => (r.body as { matchPersonInput: unknown[] }).matchPersonInput);
    expect(batches.map((b) => b.length)).toEqual([25, 3]);
    expect(batches[0]?.slice(0, 2)).toEqual([
      { emailAddress: 'grace.hopper@acme-robotics.com' },
      { fullName: 'Alan Turing', companyName: 'Acme Robotics' },
    ]);
  });

  it('re-authenticates once when ZoomInfo rejects the token with 401', async () => {
    const { provider, calls } = zoomInfo();
    await provider.searchContacts({ ...SECURITY, limit: 1 });
    fake.revokeTokens();
    await expect(provider.searchContacts({ ...SECURITY, limit: 1 })).resolves.toHaveLength(1);
    expect(fake.authentications).toBe(2);
    expect(calls.filter((c) => c.outcome === 'auth')).toHaveLength(1);
  });

  it('refreshes the token when it is about to expire, before ZoomInfo refuses it', async () => {
    const { provider, time } = zoomInfo();
    await provider.searchContacts({ ...SECURITY, limit: 1 });
    time.advance(54 * 60_000);
    await provider.searchContacts({ ...SECURITY, limit: 1 });
    expect(fake.authentications).toBe(1);
    time.advance(2 * 60_000);
    await provider.searchContacts({ ...SECURITY, limit: 1 });
    expect(fake.authentications).toBe(2);
    expect(fake.requestsTo('/search/contact').at(-1)?.headers.authorization).toBe('Bearer eyJ.fake-jwt-2');
  });

  it('fails as auth when the credentials are wrong, without retrying', async () => {
    const { provider } = zoomInfo({ config: { password: 'wrong' } });
    const error = await failureOf(provider.searchContacts({ ...SECURITY, limit: 1 }));
    expect(error).toMatchObject({ kind: 'auth', status: 401 });
    expect(fake.requestsTo('/authenticate')).toHaveLength(1);
  });

  it('waits out a 429 with Retry-After and then gets its answer', async () => {
    const { provider, time, calls } = zoomInfo();
    fake.failNext('/search/contact', {
      status: 429,
      headers: { 'retry-after': '1', 'x-ratelimit-limit': '1500', 'x-ratelimit-remaining': '0' },
      body: { error: 'Too Many Requests' },
    });
    await expect(provider.searchContacts({ ...SECURITY, limit: 2 })).resolves.toHaveLength(2);
    expect(time.sleeps).toEqual([1000]);
    expect(calls.map((c) => `${new URL(c.url).pathname} ${c.outcome}`)).toEqual([
      '/authenticate ok',
      '/search/contact rate-limited',
      '/search/contact ok',
      '/enrich/contact ok',
    ]);
  });

  it('retries a 5xx outage, then gives up as unavailable', async () => {
    const { provider } = zoomInfo();
    fake.failNext('/search/contact', { status: 503, body: { error: 'Service Unavailable' } }, 3);
    const error = await failureOf(provider.searchContacts({ ...SECURITY, limit: 2 }));
    expect(error).toMatchObject({ kind: 'unavailable', provider: 'zoominfo', status: 503 });
    expect(fake.requestsTo('/search/contact')).toHaveLength(3);
  });

  it('reports malformed JSON and unexpected shapes as bad-response', async () => {
    const { provider } = zoomInfo();
    fake.failNext('/search/contact', { status: 200, raw: '<html>Bad gateway</html>' });
    expect((await failureOf(provider.searchContacts({ ...SECURITY, limit: 2 }))).kind).toBe('bad-response');

    fake.failNext('/search/contact', { status: 200, body: { totalResults: 3, currentPage: 1, data: 'none' } });
    expect((await failureOf(provider.searchContacts({ ...SECURITY, limit: 2 }))).kind).toBe('bad-response');

    fake.failNext('/enrich/contact', { status: 200, body: { success: true, data: { result: [] } } });
    const mismatch = await failureOf(
      provider.enrichContacts([{ personId: 'p', email: 'ada.lovelace@acme-robotics.com' }]),
    );
    expect(mismatch.kind).toBe('bad-response');
  });

  it('opens the circuit during an outage and probes again after the cool-down', async () => {
    const time = fakeTime();
    const breaker = new CircuitBreaker({ failureThreshold: 3, coolDownMs: 60_000, clock: time.clock });
    const { provider } = zoomInfo({ breaker });
    fake.failNext('/search/contact', { status: 500 }, 3);
    expect((await failureOf(provider.searchContacts({ ...SECURITY, limit: 1 }))).kind).toBe('unavailable');
    expect(breaker.state).toBe('open');

    expect((await failureOf(provider.searchContacts({ ...SECURITY, limit: 1 }))).kind).toBe('circuit-open');
    expect(fake.requestsTo('/search/contact')).toHaveLength(3);

    time.advance(60_000);
    await expect(provider.searchContacts({ ...SECURITY, limit: 1 })).resolves.toHaveLength(1);
    expect(breaker.state).toBe('closed');
  });

  it('stops when the request budget is spent, counting the authentication call too', async () => {
    const time = fakeTime();
    const budget = new RequestBudget({ maxCalls: 2, periodMs: 86_400_000, clock: time.clock });
    const { provider } = zoomInfo({ budget });
    const error = await failureOf(provider.searchContacts({ ...SECURITY, limit: 1 }));
    expect(error.kind).toBe('budget-exhausted');
    expect(fake.requestsTo('/enrich/contact')).toHaveLength(0);
  });

  it('keeps credentials and tokens out of the call records', async () => {
    const { provider, calls } = zoomInfo();
    await provider.searchContacts({ ...SECURITY, limit: 1 });
    const audit = JSON.stringify(calls);
    expect(audit).not.toContain(ZOOMINFO_USER.password);
    expect(audit).not.toContain('fake-jwt');
    expect(calls.every((c) => c.provider === 'zoominfo' && c.status === 200)).toBe(true);
  });
});
