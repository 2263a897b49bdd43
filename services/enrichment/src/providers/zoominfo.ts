import type { z } from 'zod';
import { systemClock, type Clock } from '../resilience/clock';
import type { HttpClient } from '../resilience/http-client';
import { ProviderError } from '../resilience/provider-error';
import type {
  ContactProvider,
  ContactRecord,
  ContactSearch,
  EnrichedContact,
  EnrichInput,
  FoundContact,
} from './contact-provider';
import { fromEnriched, fromSearchHit, mergeRecords } from './zoominfo-mapping';
import { enrichContactResponseSchema, searchContactResponseSchema } from './zoominfo-schemas';
import { ZoomInfoSession, type ZoomInfoCredentials } from './zoominfo-session';

export interface ZoomInfoConfig extends ZoomInfoCredentials {
  /** Results per search page (`rpp`). */
  pageSize?: number;
}

export interface ZoomInfoDeps {
  /** Built with provider `zoominfo` and that provider's limiter, breaker and budget. */
  http: HttpClient;
  clock?: Clock;
}

const DEFAULT_PAGE_SIZE = 25;
/** Assumed ceiling for `rpp`: the documentation we found names the parameter but not its maximum. */
const MAX_PAGE_SIZE = 100;
/** Contact Enrich takes at most 25 `matchPersonInput` entries per request. */
const ENRICH_BATCH = 25;
/** Match statuses where the person was found; COMPANY_ONLY_MATCH and the NON_MATCH_* family are misses. */
const MATCHED = new Set(['FULL_MATCH', 'CONTACT_ONLY_MATCH']);
const OUTPUT_FIELDS = [
  'id',
  'firstName',
  'lastName',
  'email',
  'jobTitle',
  'jobFunction',
  'managementLevel',
  'companyName',
];

type MatchPersonInput = { personId: string } | { emailAddress: string } | { fullName: string; companyName: string };

/** The most exact identifier we hold for the person, or undefined when ZoomInfo could not match them anyway. */
function matchInputFor(person: EnrichInput): MatchPersonInput | undefined {
  if (person.providerId) return { personId: person.providerId };
  if (person.email?.trim()) return { emailAddress: person.email.trim() };
  const firstName = person.firstName?.trim();
  const lastName = person.lastName?.trim();
  const companyName = person.companyName?.trim();
  return firstName && lastName && companyName ? { fullName: `${firstName} ${lastName}`, companyName } : undefined;
}

function chunk<T>(items: T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/**
 * ZoomInfo Enterprise API adapter. A search finds people at the account whose title matches any of the wanted titles
 * (paging with `rpp`/`page` up to the limit); because Contact Search returns neither email, department nor management
 * level, the hits are then enriched by their ZoomInfo id so the published person can be placed by the role rules.
 */
export function createZoomInfoProvider(config: ZoomInfoConfig, deps: ZoomInfoDeps): ContactProvider {
  const { http } = deps;
  const session = new ZoomInfoSession(config, http, deps.clock ?? systemClock);
  const pageSize = Math.min(Math.max(1, config.pageSize ?? DEFAULT_PAGE_SIZE), MAX_PAGE_SIZE);

  /** POST with the session's JWT; a 401 means the token died early (revoked, clock skew): re-authenticate once. */
  const post = async <T>(path: string, body: unknown, schema: z.ZodType<T>): Promise<T> => {
    for (let refreshed = false; ; refreshed = true) {
      const jwt = await session.token();
      try {
        const response = await http.send({
          method: 'POST',
          url: `${config.baseUrl}${path}`,
          headers: { authorization: `Bearer ${jwt}` },
          body,
          schema,
        });
        return response.data;
      } catch (error) {
        if (refreshed || !(error instanceof ProviderError) || error.status !== 401) throw error;
        session.invalidate(jwt);
      }
    }
  };

  const enrichBatch = async (batch: Array<{ person: EnrichInput; input: MatchPersonInput }>) => {
    const response = await post(
      '/enrich/contact',
      { matchPersonInput: batch.map((entry) => entry.input), outputFields: OUTPUT_FIELDS },
      enrichContactResponseSchema,
    );
    // Results come back in input order; a different count would pair people with someone else's data.
    if (response.data.result.length !== batch.length) {
      throw new ProviderError(
        'bad-response',
        http.provider,
        `${http.provider}: enrich answered ${response.data.result.length} results for ${batch.length} inputs`,
      );
    }
    return batch.flatMap(({ person }, index): EnrichedContact[] => {
      const result = response.data.result[index];
      const match = result && MATCHED.has(result.matchStatus) ? result.data?.[0] : undefined;
      return match ? [{ personId: person.personId, ...fromEnriched(match) }] : [];
    });
  };

  const enrichContacts = async (people: EnrichInput[]): Promise<EnrichedContact[]> => {
    const matchable = people.flatMap((person) => {
      const input = matchInputFor(person);
      return input ? [{ person, input }] : [];
    });
    const enriched: EnrichedContact[] = [];
    for (const batch of chunk(matchable, ENRICH_BATCH)) enriched.push(...(await enrichBatch(batch)));
    return enriched;
  };

  const searchContacts = async (search: ContactSearch): Promise<FoundContact[]> => {
    const titles = search.titles.map((title) => title.trim()).filter(Boolean);
    // Without titles the search would return anyone at the account: nothing we could place, so nothing to pay for.
    if (titles.length === 0 || search.limit <= 0) return [];
    const company = search.accountDomain?.trim()
      ? { companyWebsite: search.accountDomain.trim() }
      : { companyName: search.accountName };
    const rpp = Math.min(pageSize, search.limit);

    const found: ContactRecord[] = [];
    for (let page = 1; found.length < search.limit; page += 1) {
      const response = await post(
        '/search/contact',
        // Contacts without a current employer ("partial profiles") cannot belong to the account.
        { ...company, jobTitle: titles.join(' OR '), excludePartialProfiles: true, rpp, page },
        searchContactResponseSchema,
      );
      // Results can shift between pages while ZoomInfo's data changes; a person seen on an earlier page is skipped.
      const fresh = response.data.filter((hit) => !found.some((contact) => contact.providerId === hit.id));
      found.push(...fresh.slice(0, search.limit - found.length).map(fromSearchHit));
      if (fresh.length === 0 || page * rpp >= response.totalResults) break;
    }

    const enriched = await enrichContacts(
      found.map((contact) => ({ personId: contact.providerId, providerId: contact.providerId })),
    );
    const byId = new Map(enriched.map(({ personId, ...record }) => [personId, record]));
    return found.map((contact) => mergeRecords(contact, byId.get(contact.providerId)));
  };

  return { name: 'zoominfo', searchContacts, enrichContacts };
}
