import { z } from 'zod';
import { startLocalServer, type LocalServer, type ReceivedRequest, type Reply } from './local-server';

export const LINKEDIN_TOKEN = 'AQV-member-token';
export const AD_ACCOUNT_ID = '507404993';
const ACCOUNT_URN = `urn:li:sponsoredAccount:${AD_ACCOUNT_ID}`;

interface Segment {
  id: number;
  name: string;
  type: string;
  companies: Set<string>;
}

const createBody = z
  .object({
    name: z.string().min(1),
    sourcePlatform: z.string().min(1),
    account: z.literal(ACCOUNT_URN),
    type: z.literal('COMPANY'),
    accessPolicy: z.literal('PRIVATE').optional(),
    destinations: z.array(z.object({ destination: z.literal('LINKEDIN') }).strict()).length(1),
  })
  .strict();

const companiesBody = z
  .object({
    elements: z
      .array(
        z
          .object({
            action: z.enum(['ADD', 'REMOVE']),
            companyName: z.string().min(1).optional(),
            companyWebsiteDomain: z.string().min(1).optional(),
          })
          .strict()
          .refine((e) => e.companyName !== undefined || e.companyWebsiteDomain !== undefined, 'name or domain'),
      )
      .min(1),
  })
  .strict();

/**
 * Speaks LinkedIn's versioned Marketing API for DMP segments: `GET /rest/dmpSegments?q=account` (start/count paging),
 * `POST /rest/dmpSegments` → 201 with the id in `x-restli-id`, and `POST /rest/dmpSegments/{id}/companies` with
 * `X-RestLi-Method: BATCH_CREATE` → one status per element. Checks the OAuth, LinkedIn-Version and Rest.li headers on
 * every request and notes violations.
 */
export class FakeLinkedIn {
  readonly violations: string[] = [];
  readonly segments: Segment[] = [];
  /** Companies (by name) LinkedIn refuses, answered with a per-element 400. */
  readonly refusedCompanies = new Set<string>();
  omitIdHeader = false;
  private nextId = 18_000_001;
  private readonly scripted: Array<{ path: string; reply: Reply }> = [];
  private server: LocalServer | undefined;

  async start(): Promise<string> {
    this.server = await startLocalServer((request) => this.handle(request));
    return `${this.server.url}/rest`;
  }

  async stop(): Promise<void> {
    await this.server?.close();
  }

  get requests(): ReceivedRequest[] {
    return this.server?.requests ?? [];
  }

  addSegment(name: string, type = 'COMPANY'): Segment {
    const segment = { id: this.nextId++, name, type, companies: new Set<string>() };
    this.segments.push(segment);
    return segment;
  }

  failNext(path: string, reply: Reply): void {
    this.scripted.push({ path, reply });
  }

  private handle(request: ReceivedRequest): Reply {
    if (request.headers.authorization !== `Bearer ${LINKEDIN_TOKEN}`) {
      return { status: 401, body: { status: 401, serviceErrorCode: 65600, message: 'Invalid access token' } };
    }
    if (!/^\d{6}$/.test(String(request.headers['linkedin-version']))) {
      return this.violation(`${request.path}: LinkedIn-Version must be YYYYMM`);
    }
    if (request.headers['x-restli-protocol-version'] !== '2.0.0') {
      return this.violation(`${request.path}: X-Restli-Protocol-Version must be 2.0.0`);
    }
    const index = this.scripted.findIndex((s) => s.path === request.path);
    if (index !== -1) return this.scripted.splice(index, 1)[0]?.reply ?? { status: 500 };

    if (request.path === '/rest/dmpSegments' && request.method === 'GET') return this.find(request);
    if (request.path === '/rest/dmpSegments' && request.method === 'POST') return this.create(request);
    const companies = /^\/rest\/dmpSegments\/(\d+)\/companies$/.exec(request.path);
    if (companies && request.method === 'POST') return this.stream(Number(companies[1]), request);
    return { status: 404, body: { status: 404, message: 'Not found' } };
  }

  private find(request: ReceivedRequest): Reply {
    // Rest.li 2.0: URNs in query parameters are percent-encoded.
    if (
      !request.rawUrl.includes(`account=${encodeURIComponent(ACCOUNT_URN)}`) ||
      request.query.get('q') !== 'account'
    ) {
      return this.violation(`finder: expected q=account&account=<encoded urn>, got ${request.rawUrl}`);
    }
    const start = Number(request.query.get('start') ?? 0);
    const count = Number(request.query.get('count') ?? 10);
    const elements = this.segments.slice(start, start + count).map((s) => ({
      id: s.id,
      name: s.name,
      type: s.type,
      account: ACCOUNT_URN,
      sourcePlatform: 'PARTNER_X',
      accessPolicy: 'PRIVATE',
      destinations: [{ destination: 'LINKEDIN', status: 'READY' }],
    }));
    return { status: 200, body: { paging: { start, count, links: [], total: this.segments.length }, elements } };
  }

  private create(request: ReceivedRequest): Reply {
    const parsed = createBody.safeParse(request.body);
    if (!parsed.success) return this.violation(`create segment body: ${parsed.error.message}`);
    const segment = this.addSegment(parsed.data.name, parsed.data.type);
    const headers: Record<string, string> = { location: `/dmpSegments/${segment.id}` };
    if (!this.omitIdHeader) headers['x-restli-id'] = String(segment.id);
    return { status: 201, headers };
  }

  private stream(segmentId: number, request: ReceivedRequest): Reply {
    if (request.headers['x-restli-method'] !== 'BATCH_CREATE') {
      return this.violation('companies: X-RestLi-Method must be BATCH_CREATE');
    }
    const segment = this.segments.find((s) => s.id === segmentId);
    if (!segment) return { status: 404, body: { status: 404, message: 'Segment not found' } };
    const parsed = companiesBody.safeParse(request.body);
    if (!parsed.success) return this.violation(`companies body: ${parsed.error.message}`);
    const elements = parsed.data.elements.map((element) => {
      const key = element.companyWebsiteDomain ?? element.companyName ?? '';
      if (element.companyName && this.refusedCompanies.has(element.companyName)) return { status: 400 };
      if (element.action === 'ADD') segment.companies.add(key);
      else segment.companies.delete(key);
      return { status: 201 };
    });
    return { status: 200, body: { elements } };
  }

  private violation(message: string): Reply {
    this.violations.push(message);
    return { status: 400, body: { status: 400, message } };
  }
}
