import type { PersonUpserted } from '@bg/contracts';
import type { EnrichedContact, EnrichInput, FoundContact } from '../providers/contact-provider';

/** Found people work at the account they were searched at. */
export const foundRelationship = 'employee';

/** Fields the role rules place people by; a person lacking any of them is worth enriching. */
const PLACEMENT_FIELDS = ['jobTitle', 'department', 'seniority'] as const;

/** Short, stable prefixes of found people's ids, per provider. */
const ID_PREFIX: Readonly<Record<string, string>> = { zoominfo: 'zi' };

const isBlank = (value: string | null | undefined): boolean => !value?.trim();
const emailKey = (email: string | null | undefined): string | undefined => email?.trim().toLowerCase() || undefined;

/** The id of a person a provider found: deterministic, so the same provider person is the same record every time. */
export function foundPersonId(provider: string, providerId: string): string {
  return `${ID_PREFIX[provider] ?? provider}-${providerId}`;
}

/** True when `person` was itself published by this provider's enrichment (asking it again would tell nothing new). */
export function isFoundBy(person: PersonUpserted, provider: string): boolean {
  const enrichment = person.attributes?.['enrichment'];
  return (
    typeof enrichment === 'object' &&
    enrichment !== null &&
    (enrichment as { provider?: unknown }).provider === provider
  );
}

/**
 * The people a search found that the account does not have yet, as CRM person records linked to the account.
 * Someone already known — under the provider's id, or by email under the CRM's own id — is left out, so a lookup never
 * creates a second record of a person. `updatedAt` is now: the record is as current as the provider's data.
 */
export function newFoundPersons(
  found: FoundContact[],
  known: PersonUpserted[],
  context: { provider: string; accountId: string; now: number },
): PersonUpserted[] {
  const knownIds = new Set(known.map((p) => p.personId));
  const knownEmails = new Set(known.flatMap((p) => emailKey(p.email) ?? []));
  const persons: PersonUpserted[] = [];
  for (const contact of found) {
    const personId = foundPersonId(context.provider, contact.providerId);
    const email = emailKey(contact.email);
    if (knownIds.has(personId) || (email && knownEmails.has(email))) continue;
    knownIds.add(personId);
    if (email) knownEmails.add(email);
    persons.push({
      personId,
      email: contact.email,
      firstName: contact.firstName,
      lastName: contact.lastName,
      jobTitle: contact.jobTitle,
      department: contact.department,
      seniority: contact.seniority,
      country: null,
      accounts: [{ accountId: context.accountId, relationship: foundRelationship }],
      attributes: { enrichment: { provider: context.provider, providerId: contact.providerId } },
      updatedAt: new Date(context.now).toISOString(),
    });
  }
  return persons;
}

/**
 * Known people of the account the role rules cannot place for want of a title, department or seniority, and whom the
 * provider could identify (an email, or a full name at the account). People this provider published are skipped.
 */
export function enrichmentCandidates(
  known: PersonUpserted[],
  context: { provider: string; accountName: string; limit: number },
): EnrichInput[] {
  return known
    .filter((p) => PLACEMENT_FIELDS.some((field) => isBlank(p[field])) && !isFoundBy(p, context.provider))
    .filter((p) => !isBlank(p.email) || (!isBlank(p.firstName) && !isBlank(p.lastName)))
    .slice(0, context.limit)
    .map((p) => ({
      personId: p.personId,
      email: p.email ?? null,
      firstName: p.firstName ?? null,
      lastName: p.lastName ?? null,
      companyName: context.accountName,
    }));
}

/**
 * Known people completed with what the provider knows: only the empty placement fields are filled (the CRM's own
 * values win), everything else — accounts included — is kept as is. People whom the provider told nothing new are left
 * out. `updatedAt` is now, and always later than the stored version, so ingestion applies the update.
 */
export function enrichedPersons(known: PersonUpserted[], enriched: EnrichedContact[], now: number): PersonUpserted[] {
  const byId = new Map(known.map((p) => [p.personId, p]));
  const persons: PersonUpserted[] = [];
  for (const contact of enriched) {
    const person = byId.get(contact.personId);
    if (!person) continue;
    const filled = PLACEMENT_FIELDS.filter((field) => isBlank(person[field]) && !isBlank(contact[field]));
    if (filled.length === 0) continue;
    const updated: PersonUpserted = {
      ...person,
      updatedAt: new Date(Math.max(now, Date.parse(person.updatedAt) + 1)).toISOString(),
    };
    for (const field of filled) updated[field] = contact[field];
    persons.push(updated);
  }
  return persons;
}
