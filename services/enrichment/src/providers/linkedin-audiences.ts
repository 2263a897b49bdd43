import { z } from 'zod';
import { realSleep, systemClock, type Clock, type Sleep } from '../resilience/clock';
import type { HttpClient } from '../resilience/http-client';
import { ProviderError } from '../resilience/provider-error';
import type { AudienceChangeResult, AudienceCompany, CompanyAudience } from './company-audience';

export interface LinkedInAudiencesConfig {
  /** `https://api.linkedin.com/rest` in production. */
  baseUrl: string;
  /** OAuth 2.0 member token with `rw_dmp_segments`; refreshing it is the operator's job, a 401 surfaces as `auth`. */
  accessToken: string;
  /** The sponsored (ad) account the segments belong to. */
  adAccountId: string;
  /** The `sourcePlatform` enum LinkedIn assigns to a partner when it grants Audiences API access. */
  sourcePlatform: string;
  /** Versioned Marketing API, `YYYYMM`. */
  linkedInVersion: string;
  /** Companies per BATCH_CREATE call. */
  batchSize?: number;
  /** LinkedIn asks to wait 5 seconds after creating a segment before streaming companies into it. */
  segmentSettleMs?: number;
}

export interface LinkedInAudiencesDeps {
  /** Built with provider `linkedin` and that provider's limiter, breaker and budget. */
  http: HttpClient;
  clock?: Clock;
  sleep?: Sleep;
}

/** Assumed: LinkedIn documents a per-member limit on /companies requests (300 a minute), not a batch size. */
const DEFAULT_BATCH_SIZE = 1000;
const DEFAULT_SETTLE_MS = 5000;
const PAGE_SIZE = 100;

const segmentPageSchema = z.object({
  elements: z.array(
    z.object({
      id: z.union([z.number(), z.string().min(1)]).transform(String),
      name: z.string(),
      type: z.string().optional(),
    }),
  ),
  paging: z.object({ start: z.number().int(), count: z.number().int(), total: z.number().int().optional() }).optional(),
});

/** BATCH_CREATE answers one status per element, in request order. */
const batchResponseSchema = z.object({ elements: z.array(z.object({ status: z.number().int() })) });

/**
 * LinkedIn Marketing API matched audience (DMP segment of type COMPANY) per solution interest: found by name or
 * created, then companies streamed in and out with `POST /dmpSegments/{id}/companies` (X-RestLi-Method: BATCH_CREATE,
 * one `action: ADD | REMOVE` per element).
 */
export function createLinkedInAudiences(config: LinkedInAudiencesConfig, deps: LinkedInAudiencesDeps): CompanyAudience {
  const { http } = deps;
  const clock = deps.clock ?? systemClock;
  const sleep = deps.sleep ?? realSleep;
  const account = `urn:li:sponsoredAccount:${config.adAccountId}`;
  const batchSize = Math.max(1, config.batchSize ?? DEFAULT_BATCH_SIZE);
  const settleMs = config.segmentSettleMs ?? DEFAULT_SETTLE_MS;
  const segmentIds = new Map<string, string>();
  /** Segments we created, with the time from which LinkedIn accepts companies into them. */
  const readyAt = new Map<string, number>();

  const headers = (extra: Record<string, string> = {}): Record<string, string> => ({
    authorization: `Bearer ${config.accessToken}`,
    'linkedin-version': config.linkedInVersion,
    'x-restli-protocol-version': '2.0.0',
    ...extra,
  });

  /** Finder `q=account`, paged with start/count, so an audience created by an earlier run is reused, not duplicated. */
  const findSegment = async (name: string): Promise<string | undefined> => {
    for (let start = 0; ; start += PAGE_SIZE) {
      const query = new URLSearchParams({ q: 'account', account, start: String(start), count: String(PAGE_SIZE) });
      const { data } = await http.send({
        method: 'GET',
        url: `${config.baseUrl}/dmpSegments?${query.toString()}`,
        headers: headers(),
        schema: segmentPageSchema,
      });
      const match = data.elements.find((segment) => segment.name === name && (segment.type ?? 'COMPANY') === 'COMPANY');
      if (match) return match.id;
      const total = data.paging?.total;
      if (data.elements.length < PAGE_SIZE || (total !== undefined && start + PAGE_SIZE >= total)) return undefined;
    }
  };

  const createSegment = async (name: string): Promise<string> => {
    const response = await http.send({
      method: 'POST',
      url: `${config.baseUrl}/dmpSegments`,
      headers: headers(),
      body: {
        name,
        sourcePlatform: config.sourcePlatform,
        account,
        type: 'COMPANY',
        accessPolicy: 'PRIVATE',
        destinations: [{ destination: 'LINKEDIN' }],
      },
      schema: z.unknown(),
    });
    // Rest.li answers 201 with an empty body; the new id is only in the response headers.
    const id = response.headers.get('x-restli-id') ?? response.headers.get('x-linkedin-id');
    if (!id?.trim()) {
      throw new ProviderError('bad-response', http.provider, `${http.provider}: segment created without an id header`, {
        status: response.status,
      });
    }
    readyAt.set(id.trim(), clock() + settleMs);
    return id.trim();
  };

  const ensureSegment = async (name: string): Promise<string> => {
    const known = segmentIds.get(name);
    if (known) return known;
    const id = (await findSegment(name)) ?? (await createSegment(name));
    segmentIds.set(name, id);
    return id;
  };

  const change = async (
    action: 'ADD' | 'REMOVE',
    segmentId: string,
    companies: AudienceCompany[],
  ): Promise<AudienceChangeResult> => {
    const result: AudienceChangeResult = { accepted: 0, rejected: [] };
    const usable = companies.filter((c) => c.companyName?.trim() || c.companyWebsiteDomain?.trim());
    if (usable.length === 0) return result;
    const wait = (readyAt.get(segmentId) ?? 0) - clock();
    if (wait > 0) await sleep(wait);

    for (let i = 0; i < usable.length; i += batchSize) {
      const batch = usable.slice(i, i + batchSize);
      const { data } = await http.send({
        method: 'POST',
        url: `${config.baseUrl}/dmpSegments/${encodeURIComponent(segmentId)}/companies`,
        headers: headers({ 'x-restli-method': 'BATCH_CREATE' }),
        body: {
          elements: batch.map((company) => ({
            action,
            ...(company.companyName?.trim() ? { companyName: company.companyName.trim() } : {}),
            ...(company.companyWebsiteDomain?.trim()
              ? { companyWebsiteDomain: company.companyWebsiteDomain.trim() }
              : {}),
          })),
        },
        schema: batchResponseSchema,
      });
      if (data.elements.length !== batch.length) {
        throw new ProviderError(
          'bad-response',
          http.provider,
          `${http.provider}: batch answered ${data.elements.length} statuses for ${batch.length} companies`,
        );
      }
      data.elements.forEach(({ status }, index) => {
        const company = batch[index];
        if (status >= 200 && status < 300) result.accepted += 1;
        else if (company) result.rejected.push({ company, status });
      });
    }
    return result;
  };

  return {
    name: 'linkedin',
    ensureSegment,
    addCompanies: (segmentId, companies) => change('ADD', segmentId, companies),
    removeCompanies: (segmentId, companies) => change('REMOVE', segmentId, companies),
  };
}
