import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AudienceCompany } from '../../src/providers/company-audience';
import { createLinkedInAudiences, type LinkedInAudiencesConfig } from '../../src/providers/linkedin-audiences';
import { createHttpClient, type CallRecord } from '../../src/resilience/http-client';
import { ProviderError } from '../../src/resilience/provider-error';
import { fakeTime } from './support/fake-clock';
import { AD_ACCOUNT_ID, FakeLinkedIn, LINKEDIN_TOKEN } from './support/fake-linkedin';

let fake: FakeLinkedIn;
let baseUrl: string;
beforeEach(async () => {
  fake = new FakeLinkedIn();
  baseUrl = await fake.start();
});
afterEach(async () => {
  expect(fake.violations).toEqual([]);
  await fake.stop();
});

function linkedIn(config: Partial<LinkedInAudiencesConfig> = {}) {
  const time = fakeTime();
  const calls: CallRecord[] = [];
  const http = createHttpClient({
    provider: 'linkedin',
    retry: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 5000 },
    clock: time.clock,
    sleep: time.sleep,
    random: () => 0,
    onCall: (record) => calls.push(record),
  });
  const audiences = createLinkedInAudiences(
    {
      baseUrl,
      accessToken: LINKEDIN_TOKEN,
      adAccountId: AD_ACCOUNT_ID,
      sourcePlatform: 'PARTNER_X',
      linkedInVersion: '202601',
      ...config,
    },
    { http, clock: time.clock, sleep: time.sleep },
  );
  return { audiences, time, calls };
}

const companies = (count: number, prefix = 'co'): AudienceCompany[] =>
  Array.from({ length: count }, (_, i) => ({
    companyName: `${prefix} ${i}`,
    companyWebsiteDomain: `${prefix}-${i}.example`,
  }));

async function failureOf(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

describe('LinkedIn matched company audience', () => {
  it('creates the segment when none has the name, reading the id from x-restli-id, and remembers it', async () => {
    const { audiences } = linkedIn();
    const id = await audiences.ensureSegment('Cyber-security cross-sell — missing roles');
    expect(fake.segments).toEqual([
      expect.objectContaining({ name: 'Cyber-security cross-sell — missing roles', type: 'COMPANY' }),
    ]);
    expect(id).toBe(String(fake.segments[0]?.id));

    const create = fake.requests.find((r) => r.method === 'POST');
    expect(create?.body).toEqual({
      name: 'Cyber-security cross-sell — missing roles',
      sourcePlatform: 'PARTNER_X',
      account: `urn:li:sponsoredAccount:${AD_ACCOUNT_ID}`,
      type: 'COMPANY',
      accessPolicy: 'PRIVATE',
      destinations: [{ destination: 'LINKEDIN' }],
    });
    expect(create?.headers).toMatchObject({ 'linkedin-version': '202601', 'x-restli-protocol-version': '2.0.0' });

    const before = fake.requests.length;
    await expect(audiences.ensureSegment('Cyber-security cross-sell — missing roles')).resolves.toBe(id);
    expect(fake.requests).toHaveLength(before);
  });

  it('finds an existing segment by name across finder pages instead of creating a duplicate', async () => {
    for (let i = 0; i < 130; i += 1) fake.addSegment(`Other audience ${i}`);
    const existing = fake.addSegment('Bug tracker upsell — missing roles');
    const { audiences } = linkedIn();
    await expect(audiences.ensureSegment('Bug tracker upsell — missing roles')).resolves.toBe(String(existing.id));
    expect(fake.requests.map((r) => [r.method, r.query.get('start')])).toEqual([
      ['GET', '0'],
      ['GET', '100'],
    ]);
    expect(fake.segments).toHaveLength(131);
  });

  it('waits for a new segment to settle, then adds companies in batches', async () => {
    const { audiences, time } = linkedIn({ batchSize: 1000 });
    const id = await audiences.ensureSegment('Interest A');
    const result = await audiences.addCompanies(id, companies(2500));

    expect(time.sleeps).toEqual([5000]);
    const batches = fake.requests.filter((r) => r.path.endsWith('/companies'));
    expect(batches.map((r) => (r.body as { elements: unknown[] }).elements.length)).toEqual([1000, 1000, 500]);
    expect(batches.every((r) => r.headers['x-restli-method'] === 'BATCH_CREATE')).toBe(true);
    expect((batches[0]?.body as { elements: unknown[] }).elements[0]).toEqual({
      action: 'ADD',
      companyName: 'co 0',
      companyWebsiteDomain: 'co-0.example',
    });
    expect(result).toEqual({ accepted: 2500, rejected: [] });
    expect(fake.segments[0]?.companies.size).toBe(2500);
  });

  it('removes companies once their roles are filled', async () => {
    const { audiences } = linkedIn();
    const id = await audiences.ensureSegment('Interest B');
    await audiences.addCompanies(id, companies(3));
    const result = await audiences.removeCompanies(id, companies(2));
    expect(result.accepted).toBe(2);
    expect(fake.requests.at(-1)?.body).toMatchObject({ elements: [{ action: 'REMOVE' }, { action: 'REMOVE' }] });
    expect([...(fake.segments[0]?.companies ?? [])]).toEqual(['co-2.example']);
  });

  it('reports the companies LinkedIn refused, element by element', async () => {
    fake.refusedCompanies.add('co 1');
    const existing = fake.addSegment('Interest C');
    const { audiences } = linkedIn();
    const result = await audiences.addCompanies(String(existing.id), companies(3));
    expect(result).toEqual({ accepted: 2, rejected: [{ company: companies(3)[1], status: 400 }] });
  });

  it('sends nothing for companies it cannot name', async () => {
    const existing = fake.addSegment('Interest D');
    const { audiences } = linkedIn();
    const result = await audiences.addCompanies(String(existing.id), [
      { companyName: ' ', companyWebsiteDomain: null },
      {},
    ]);
    expect(result).toEqual({ accepted: 0, rejected: [] });
    expect(fake.requests).toHaveLength(0);
  });

  it('waits out a 429 with Retry-After and then streams the companies', async () => {
    const existing = fake.addSegment('Interest E');
    const { audiences, time, calls } = linkedIn();
    fake.failNext(`/rest/dmpSegments/${existing.id}/companies`, { status: 429, headers: { 'retry-after': '3' } });
    await expect(audiences.addCompanies(String(existing.id), companies(2))).resolves.toMatchObject({ accepted: 2 });
    expect(time.sleeps).toEqual([3000]);
    expect(calls.map((c) => c.outcome)).toEqual(['rate-limited', 'ok']);
  });

  it('fails as auth when the token is refused', async () => {
    const { audiences } = linkedIn({ accessToken: 'expired' });
    expect((await failureOf(audiences.ensureSegment('Interest F'))).kind).toBe('auth');
  });

  it('fails as bad-response when a created segment comes back without its id', async () => {
    fake.omitIdHeader = true;
    const { audiences } = linkedIn();
    expect((await failureOf(audiences.ensureSegment('Interest G'))).kind).toBe('bad-response');
  });
});
