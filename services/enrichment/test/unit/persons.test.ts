import { describe, expect, it } from 'vitest';
import type { PersonUpserted } from '@bg/contracts';
import { enrichedPersons, enrichmentCandidates, foundPersonId, newFoundPersons } from '../../src/domain/persons';
import type { FoundContact } from '../../src/providers/contact-provider';

const now = Date.parse('2026-11-26T10:00:00Z');

const contact = (providerId: string, extra: Partial<FoundContact> = {}): FoundContact => ({
  providerId,
  firstName: 'Ada',
  lastName: 'Lovelace',
  email: `ada.${providerId}@acme.example`,
  jobTitle: 'Chief Information Security Officer',
  department: 'C-Suite',
  seniority: 'C-Level',
  companyName: 'Acme',
  ...extra,
});

const known = (personId: string, extra: Partial<PersonUpserted> = {}): PersonUpserted => ({
  personId,
  email: `${personId}@acme.example`,
  firstName: 'Ana',
  lastName: 'Ruiz',
  jobTitle: null,
  department: null,
  seniority: null,
  country: 'US',
  accounts: [
    { accountId: 'acc-1', relationship: 'employee' },
    { accountId: 'acc-7', relationship: 'contractor' },
  ],
  attributes: { tier: 'gold' },
  updatedAt: '2026-11-26T09:00:00.000Z',
  ...extra,
});

describe('people found by a provider', () => {
  it('become CRM person records of the account, with a deterministic id and the provider as provenance', () => {
    const [person] = newFoundPersons([contact('1001')], [], { provider: 'zoominfo', accountId: 'acc-1', now });
    expect(person).toEqual({
      personId: 'zi-1001',
      email: 'ada.1001@acme.example',
      firstName: 'Ada',
      lastName: 'Lovelace',
      jobTitle: 'Chief Information Security Officer',
      department: 'C-Suite',
      seniority: 'C-Level',
      country: null,
      accounts: [{ accountId: 'acc-1', relationship: 'employee' }],
      attributes: { enrichment: { provider: 'zoominfo', providerId: '1001' } },
      updatedAt: '2026-11-26T10:00:00.000Z',
    });
    expect(foundPersonId('clearbit', '7')).toBe('clearbit-7');
  });

  it('leaves out people the account already has, by id or by email, and duplicates within the answer', () => {
    const found = [contact('1001'), contact('1002', { email: 'ANA@acme.example ' }), contact('1003'), contact('1003')];
    const people = newFoundPersons(found, [known('zi-1001'), known('ana')], {
      provider: 'zoominfo',
      accountId: 'acc-1',
      now,
    });
    expect(people.map((p) => p.personId)).toEqual(['zi-1003']);
  });
});

describe('enriching the people of an account', () => {
  it('asks for people lacking a title, department or seniority whom the provider can identify', () => {
    const people = [
      known('complete', { jobTitle: 'CTO', department: 'IT', seniority: 'C-Level' }),
      known('no-seniority', { jobTitle: 'CTO', department: 'IT' }),
      known('no-email', { email: null }),
      known('anonymous', { email: null, firstName: null }),
      known('zi-9', { attributes: { enrichment: { provider: 'zoominfo', providerId: '9' } } }),
    ];
    const candidates = enrichmentCandidates(people, { provider: 'zoominfo', accountName: 'Acme', limit: 10 });
    expect(candidates).toEqual([
      {
        personId: 'no-seniority',
        email: 'no-seniority@acme.example',
        firstName: 'Ana',
        lastName: 'Ruiz',
        companyName: 'Acme',
      },
      { personId: 'no-email', email: null, firstName: 'Ana', lastName: 'Ruiz', companyName: 'Acme' },
    ]);
    expect(enrichmentCandidates(people, { provider: 'zoominfo', accountName: 'Acme', limit: 1 })).toHaveLength(1);
  });

  it("fills only the empty fields, keeps the person's accounts and attributes, and is newer than the stored version", () => {
    const stored = known('p1', { jobTitle: 'Security Lead', updatedAt: '2026-11-26T10:00:00.000Z' });
    const [person] = enrichedPersons([stored], [{ ...contact('1001'), personId: 'p1' }], now);
    expect(person).toEqual({
      ...stored,
      department: 'C-Suite',
      seniority: 'C-Level',
      updatedAt: '2026-11-26T10:00:00.001Z',
    });
  });

  it('leaves out people the provider told nothing new, and answers about people it was not asked for', () => {
    const stored = known('p1');
    const empty = { ...contact('1001', { jobTitle: null, department: ' ', seniority: null }), personId: 'p1' };
    expect(enrichedPersons([stored], [empty, { ...contact('1002'), personId: 'stranger' }], now)).toEqual([]);
  });
});
