import type { z } from 'zod';
import type { CircuitBreaker } from './circuit-breaker';
import { realSleep, systemClock, type Clock, type Sleep } from './clock';
import { ProviderError, type ProviderErrorDetails, type ProviderErrorKind } from './provider-error';
import type { TokenBucket } from './rate-limiter';
import { redactUrl } from './redact-url';
import type { RequestBudget } from './request-budget';
import { retryDelayFromHeaders } from './retry-after';
import { withRetry, type RetryPolicy } from './retry';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface HttpRequest<T> {
  method: HttpMethod;
  url: string;
  headers?: Record<string, string>;
  /** Sent as JSON. */
  body?: unknown;
  /** Validates a 2xx answer (an empty body reads as `undefined`); a mismatch is a `bad-response`, never a crash. */
  schema: z.ZodType<T>;
}

export interface HttpResponse<T> {
  status: number;
  headers: Headers;
  data: T;
}

/** One outbound call (or one refused before it went out) and how it ended: the audit trail's unit. */
export interface CallRecord {
  provider: string;
  method: HttpMethod;
  /** Redacted: no credentials. Request and response bodies are deliberately not recorded. */
  url: string;
  /** Null when no HTTP answer came back (network error, timeout, refused by the breaker or the budget). */
  status: number | null;
  durationMs: number;
  outcome: 'ok' | ProviderErrorKind;
  /** 1 for the first try, then one more per retry. */
  attempt: number;
  error?: string;
  /** When the attempt started, ISO-8601. */
  at: string;
}

export interface HttpClientOptions {
  /** Names the provider in errors and call records, e.g. `zoominfo`. */
  provider: string;
  retry?: RetryPolicy;
  breaker?: CircuitBreaker;
  limiter?: TokenBucket;
  /** Every attempt spends one call — retries and ZoomInfo's authentication included, as the provider counts them. */
  budget?: RequestBudget;
  /** Receives every call record; it must not throw (buffer or enqueue, do not do I/O inline). */
  onCall?: (record: CallRecord) => void;
  timeoutMs?: number;
  clock?: Clock;
  sleep?: Sleep;
  random?: () => number;
}

export interface HttpClient {
  readonly provider: string;
  send<T>(request: HttpRequest<T>): Promise<HttpResponse<T>>;
}

const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 3, baseDelayMs: 250, maxDelayMs: 30_000 };
const DEFAULT_TIMEOUT_MS = 10_000;
const MAX_DETAIL_CHARS = 300;

/** Outcomes that say the provider itself is unhealthy; anything else that got an HTTP answer shows it is up. */
const BREAKER_FAILURES: ReadonlySet<ProviderErrorKind> = new Set(['unavailable', 'bad-response']);

/**
 * The one way the adapters talk HTTP: per attempt it asks the circuit breaker and the request budget, paces through the
 * rate limiter, sends with a timeout, classifies the answer into a typed result or ProviderError, records the call,
 * and retries what is worth retrying.
 */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  const { provider, breaker, limiter, budget, onCall } = options;
  const clock = options.clock ?? systemClock;
  const sleep = options.sleep ?? realSleep;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  const fail = (kind: ProviderErrorKind, message: string, details: ProviderErrorDetails) =>
    new ProviderError(kind, provider, `${provider}: ${message}`, details);

  /** Refuses without sending when the circuit is open or the budget is spent; the budget is checked first so a
   *  half-open probe slot is never taken by a call the budget then refuses. */
  const admit = (): void => {
    if (budget && budget.remaining() <= 0) {
      throw fail('budget-exhausted', 'request budget exhausted', { retryAfterMs: budget.msUntilReset() });
    }
    const wait = breaker?.tryAcquire() ?? 0;
    if (wait > 0) throw fail('circuit-open', 'circuit open after repeated failures', { retryAfterMs: wait });
    budget?.tryConsume();
  };

  const exchange = async (request: HttpRequest<unknown>): Promise<Response> => {
    const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    try {
      return await fetch(request.url, {
        method: request.method,
        headers,
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
      throw fail('unavailable', timedOut ? `no answer within ${timeoutMs} ms` : 'network error', { cause: error });
    }
  };

  const interpret = async <T>(request: HttpRequest<T>, response: Response): Promise<T> => {
    const { status } = response;
    const what = `${request.method} ${new URL(request.url).pathname} answered ${status}`;
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw fail('unavailable', `${what} but the body could not be read`, { status, cause: error });
    }
    if (status === 429) {
      throw fail('rate-limited', what, { status, retryAfterMs: retryDelayFromHeaders(response.headers, clock()) });
    }
    if (status === 401 || status === 403) throw fail('auth', what, { status });
    if (status === 408 || status >= 500) {
      throw fail('unavailable', what, { status, retryAfterMs: retryDelayFromHeaders(response.headers, clock()) });
    }
    if (status < 200 || status >= 300) throw fail('rejected', what, { status });

    let body: unknown;
    try {
      body = text.trim() === '' ? undefined : JSON.parse(text);
    } catch (error) {
      throw fail('bad-response', `${what} with malformed JSON`, { status, cause: error });
    }
    const parsed = request.schema.safeParse(body);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
      throw fail('bad-response', `${what} with an unexpected shape: ${issues}`.slice(0, MAX_DETAIL_CHARS), {
        status,
        cause: parsed.error,
      });
    }
    return parsed.data;
  };

  const attemptOnce = async <T>(request: HttpRequest<T>, attempt: number): Promise<HttpResponse<T>> => {
    const url = redactUrl(request.url);
    let startedAt = clock();
    let status: number | null = null;
    let sent = false;
    const record = (outcome: CallRecord['outcome'], error?: string): void =>
      onCall?.({
        provider,
        method: request.method,
        url,
        status,
        durationMs: clock() - startedAt,
        outcome,
        attempt,
        ...(error === undefined ? {} : { error }),
        at: new Date(startedAt).toISOString(),
      });

    try {
      admit();
      const wait = limiter?.reserve() ?? 0;
      if (wait > 0) await sleep(wait);
      startedAt = clock();
      sent = true;
      const response = await exchange(request);
      status = response.status;
      const data = await interpret(request, response);
      breaker?.recordSuccess();
      record('ok');
      return { status: response.status, headers: response.headers, data };
    } catch (error) {
      const failure =
        error instanceof ProviderError ? error : fail('unavailable', 'unexpected client failure', { cause: error });
      if (sent) {
        if (BREAKER_FAILURES.has(failure.kind)) breaker?.recordFailure();
        else breaker?.recordSuccess();
      }
      record(failure.kind, failure.message);
      throw failure;
    }
  };

  return {
    provider,
    send: (request) =>
      withRetry((attempt) => attemptOnce(request, attempt), options.retry ?? DEFAULT_RETRY, {
        sleep,
        random: options.random ?? Math.random,
      }),
  };
}
