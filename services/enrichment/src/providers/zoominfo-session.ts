import type { Clock } from '../resilience/clock';
import type { HttpClient } from '../resilience/http-client';
import { authenticateResponseSchema } from './zoominfo-schemas';

export interface ZoomInfoCredentials {
  baseUrl: string;
  username: string;
  password: string;
  /** ZoomInfo's JWT is valid 60 minutes and it advises refreshing every 55; we follow that advice by default. */
  tokenTtlMs?: number;
}

const DEFAULT_TOKEN_TTL_MS = 55 * 60_000;

/**
 * Holds the ZoomInfo JWT (POST /authenticate with username and password). ZoomInfo asks clients not to authenticate
 * on every call, so the token is reused until its time is up or the API rejects it, and concurrent callers share a
 * single authentication in flight.
 */
export class ZoomInfoSession {
  private current: { jwt: string; expiresAt: number } | undefined;
  private pending: Promise<string> | undefined;

  constructor(
    private readonly credentials: ZoomInfoCredentials,
    private readonly http: HttpClient,
    private readonly clock: Clock,
  ) {}

  async token(): Promise<string> {
    if (this.current && this.clock() < this.current.expiresAt) return this.current.jwt;
    this.pending ??= this.authenticate().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  /** Forgets `jwt` after the API refused it, unless a newer token has already replaced it. */
  invalidate(jwt: string): void {
    if (this.current?.jwt === jwt) this.current = undefined;
  }

  private async authenticate(): Promise<string> {
    const issuedAt = this.clock();
    const { data } = await this.http.send({
      method: 'POST',
      url: `${this.credentials.baseUrl}/authenticate`,
      body: { username: this.credentials.username, password: this.credentials.password },
      schema: authenticateResponseSchema,
    });
    this.current = { jwt: data.jwt, expiresAt: issuedAt + (this.credentials.tokenTtlMs ?? DEFAULT_TOKEN_TTL_MS) };
    return data.jwt;
  }
}
