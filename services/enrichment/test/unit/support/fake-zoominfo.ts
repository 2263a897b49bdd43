import { z } from 'zod';
import { startLocalServer, type LocalServer, type ReceivedRequest, type Reply } from './local-server';

export interface FakeContact {
  id: number;
  firstName: string;
  lastName: string;
  email: string;
  jobTitle: string;
  jobFunction: { name: string; department: string };
  managementLevel: string[];
  companyName: string;
  companyWebsite: string;
}

export const ZOOMINFO_USER = { username: 'api-user@example.com', password: 'pa55-w0rd' };

const authenticateBody = z.object({ username: z.string(), password: z.string() }).strict();

const searchBody = z
  .object({
    companyWebsite: z.string().min(1).optional(),
    companyName: z.string().min(1).optional(),
    jobTitle: z.string().min(1),
    excludePartialProfiles: z.boolean().optional(),
    rpp: z.number().int().min(1).max(100),
    page: z.number().int().min(1),
  })
  .strict()
  .refine((b) => b.companyWebsite !== undefined || b.companyName !== undefined, 'a company criterion is required');

const matchPersonInput = z.union([
  z.object({ personId: z.string().min(1) }).strict(),
  z.object({ emailAddress: z.email() }).strict(),
  z.object({ fullName: z.string().min(1), companyName: z.string().min(1) }).strict(),
]);

const enrichBody = z
  .object({ matchPersonInput: z.array(matchPersonInput).min(1).max(25), outputFields: z.array(z.string()).min(1) })
  .strict();

/**
 * Speaks the ZoomInfo Enterprise API as documented: POST /authenticate → `{ jwt }`; POST /search/contact with
 * rpp/page → `{ maxResults, totalResults, currentPage, data }`; POST /enrich/contact with matchPersonInput →
 * `{ success, data: { outputFields, result: [{ input, data, matchStatus }] } }`. It checks every request it receives
 * and notes violations, which the tests assert are none.
 */
export class FakeZoomInfo {
  readonly violations: string[] = [];
  /** Company websites whose searches answer 503, as during an outage of the part of ZoomInfo serving them. */
  readonly outages = new Set<string>();
  /** Company websites whose searches are held unanswered until released (a lookup caught mid-call). */
  private readonly held = new Map<string, Promise<void>>();
  authentications = 0;
  private readonly validTokens = new Set<string>();
  private readonly scripted: Array<{ path: string; reply: Reply }> = [];
  private server: LocalServer | undefined;

  constructor(private readonly contacts: FakeContact[]) {}

  async start(): Promise<string> {
    this.server = await startLocalServer((request) => this.handle(request));
    return this.server.url;
  }

  async stop(): Promise<void> {
    await this.server?.close();
  }

  requestsTo(path: string): ReceivedRequest[] {
    return (this.server?.requests ?? []).filter((r) => r.path === path);
  }

  /** The next request to `path` gets `reply` instead of the normal answer (after its auth header is checked). */
  failNext(path: string, reply: Reply, times = 1): void {
    for (let i = 0; i < times; i += 1) this.scripted.push({ path, reply });
  }

  /** Searches for `companyWebsite` wait, unanswered, until the returned function is called. */
  holdSearches(companyWebsite: string): () => void {
    let release = () => {};
    this.held.set(companyWebsite, new Promise<void>((resolve) => (release = resolve)));
    return () => {
      this.held.delete(companyWebsite);
      release();
    };
  }

  /** Every token issued so far stops working, as when ZoomInfo expires a session early. */
  revokeTokens(): void {
    this.validTokens.clear();
  }

  private handle(request: ReceivedRequest): Reply | Promise<Reply> {
    if (request.method !== 'POST') return this.violation(`${request.method} ${request.path}: only POST is used`);
    if (!String(request.headers['content-type']).startsWith('application/json')) {
      return this.violation(`${request.path}: content-type must be application/json`);
    }
    if (request.path === '/authenticate') return this.scriptedFor(request) ?? this.authenticate(request);

    const token = /^Bearer (.+)$/.exec(String(request.headers.authorization ?? ''))?.[1];
    if (!token || !this.validTokens.has(token)) return { status: 401, body: { error: 'Invalid or expired token' } };
    const scripted = this.scriptedFor(request);
    if (scripted) return scripted;
    if (request.path === '/search/contact') {
      const held = this.held.get(String((request.body as { companyWebsite?: unknown })?.companyWebsite));
      return held ? held.then(() => this.search(request)) : this.search(request);
    }
    if (request.path === '/enrich/contact') return this.enrich(request);
    return { status: 404, body: { error: 'Not found' } };
  }

  private scriptedFor(request: ReceivedRequest): Reply | undefined {
    const index = this.scripted.findIndex((s) => s.path === request.path);
    return index === -1 ? undefined : this.scripted.splice(index, 1)[0]?.reply;
  }

  private authenticate(request: ReceivedRequest): Reply {
    const body = authenticateBody.safeParse(request.body);
    if (!body.success) return this.violation(`/authenticate body: ${body.error.message}`);
    if (body.data.username !== ZOOMINFO_USER.username || body.data.password !== ZOOMINFO_USER.password) {
      return { status: 401, body: { error: 'Invalid username or password' } };
    }
    this.authentications += 1;
    const jwt = `eyJ.fake-jwt-${this.authentications}`;
    this.validTokens.add(jwt);
    return { status: 200, body: { jwt } };
  }

  private search(request: ReceivedRequest): Reply {
    const parsed = searchBody.safeParse(request.body);
    if (!parsed.success) return this.violation(`/search/contact body: ${parsed.error.message}`);
    const { companyWebsite, companyName, jobTitle, rpp, page } = parsed.data;
    if (companyWebsite && this.outages.has(companyWebsite))
      return { status: 503, body: { error: 'Service Unavailable' } };
    const titles = jobTitle.split(' OR ').map((t) => t.toLowerCase());
    const matches = this.contacts.filter(
      (c) =>
        (companyWebsite ? c.companyWebsite === companyWebsite : c.companyName === companyName) &&
        titles.some((t) => c.jobTitle.toLowerCase().includes(t)),
    );
    const data = matches.slice((page - 1) * rpp, page * rpp).map((c) => ({
      id: c.id,
      firstName: c.firstName,
      middleName: '',
      lastName: c.lastName,
      validDate: '6/19/2025 1:41 PM',
      lastUpdatedDate: '',
      jobTitle: c.jobTitle,
      contactAccuracyScore: 96,
      hasEmail: true,
      hasDirectPhone: false,
      company: { id: 9867169, name: c.companyName },
    }));
    return {
      status: 200,
      headers: { 'x-ratelimit-limit': '1500', 'x-ratelimit-remaining': '1498' },
      body: { maxResults: 30579, totalResults: matches.length, currentPage: page, data },
    };
  }

  private enrich(request: ReceivedRequest): Reply {
    const parsed = enrichBody.safeParse(request.body);
    if (!parsed.success) return this.violation(`/enrich/contact body: ${parsed.error.message}`);
    const result = parsed.data.matchPersonInput.map((input) => {
      const contact = this.contacts.find((c) =>
        'personId' in input
          ? String(c.id) === input.personId
          : 'emailAddress' in input
            ? c.email === input.emailAddress
            : `${c.firstName} ${c.lastName}` === input.fullName && c.companyName === input.companyName,
      );
      return contact
        ? {
            input,
            data: [
              {
                id: contact.id,
                firstName: contact.firstName,
                middleName: '',
                lastName: contact.lastName,
                email: contact.email,
                jobTitle: contact.jobTitle,
                jobFunction: [contact.jobFunction],
                managementLevel: contact.managementLevel,
                contactAccuracyScore: 95,
                company: { id: 9867169, name: contact.companyName, website: contact.companyWebsite },
              },
            ],
            matchStatus: 'FULL_MATCH',
          }
        : { input, data: [], matchStatus: 'NO_MATCH' };
    });
    return { status: 200, body: { success: true, data: { outputFields: [parsed.data.outputFields], result } } };
  }

  private violation(message: string): Reply {
    this.violations.push(message);
    return { status: 400, body: { error: message } };
  }
}
