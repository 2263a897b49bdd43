import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CircuitBreaker } from '../../src/resilience/circuit-breaker';
import { createHttpClient, type CallRecord, type HttpClientOptions } from '../../src/resilience/http-client';
import { ProviderError } from '../../src/resilience/provider-error';
import { TokenBucket } from '../../src/resilience/rate-limiter';
import { RequestBudget } from '../../src/resilience/request-budget';
import { fakeTime } from './support/fake-clock';
import { startLocalServer, type LocalServer, type Reply } from './support/local-server';

const itemSchema = z.object({ id: z.number(), name: z.string() });

let server: LocalServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A server answering the given replies in turn, then 200 `{ id: 1, name: "ok" }`. */
async function serve(...replies: Reply[]): Promise<LocalServer> {
  server = await startLocalServer(() => replies.shift() ?? { status: 200, body: { id: 1, name: 'ok' } });
  return server;
}

function client(overrides: Partial<HttpClientOptions> = {}) {
  const time = fakeTime();
  const calls: CallRecord[] = [];
  const http = createHttpClient({
    provider: 'acme',
    retry: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 10_000 },
    clock: time.clock,
    sleep: time.sleep,
    random: () => 0,
    onCall: (record) => calls.push(record),
    ...overrides,
  });
  return { http, calls, time };
}

async function failureOf(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

describe('http client', () => {
  it('sends JSON, validates the answer into typed data and records the call without secrets', async () => {
    const { url, requests } = await serve();
    const { http, calls } = client();
    const response = await http.send({
      method: 'POST',
      url: `${url}/items?access_token=s3cr3t`,
      headers: { authorization: 'Bearer s3cr3t' },
      body: { name: 'ok' },
      schema: itemSchema,
    });
    expect(response.data).toEqual({ id: 1, name: 'ok' });
    expect(requests[0]?.headers['content-type']).toBe('application/json');
    expect(requests[0]?.body).toEqual({ name: 'ok' });
    expect(calls).toEqual([
      expect.objectContaining({
        provider: 'acme',
        method: 'POST',
        url: `${url}/items?access_token=REDACTED`,
        status: 200,
        outcome: 'ok',
        attempt: 1,
      }),
    ]);
    expect(JSON.stringify(calls)).not.toContain('s3cr3t');
  });

  it('on 429 waits the Retry-After seconds, then succeeds', async () => {
    const { url, requests } = await serve({ status: 429, headers: { 'retry-after': '2' } });
    const { http, calls, time } = client();
    await expect(http.send({ method: 'GET', url, schema: itemSchema })).resolves.toMatchObject({ status: 200 });
    expect(time.sleeps).toEqual([2000]);
    expect(requests).toHaveLength(2);
    expect(calls.map((c) => [c.attempt, c.status, c.outcome])).toEqual([
      [1, 429, 'rate-limited'],
      [2, 200, 'ok'],
    ]);
  });

  it('on 429 honours a Retry-After HTTP-date', async () => {
    const { clock } = fakeTime();
    const inFive = new Date(clock() + 5000).toUTCString();
    const { url } = await serve({ status: 429, headers: { 'retry-after': inFive } });
    const { http, time } = client();
    await http.send({ method: 'GET', url, schema: itemSchema });
    expect(time.sleeps).toEqual([5000]);
  });

  it('retries 5xx with backoff, then fails as unavailable', async () => {
    const { url, requests } = await serve({ status: 503 }, { status: 502 }, { status: 500 });
    const { http, calls, time } = client();
    const error = await failureOf(http.send({ method: 'GET', url, schema: itemSchema }));
    expect(error).toMatchObject({ kind: 'unavailable', provider: 'acme', status: 500 });
    expect(requests).toHaveLength(3);
    expect(time.sleeps).toEqual([50, 100]);
    expect(calls.map((c) => c.outcome)).toEqual(['unavailable', 'unavailable', 'unavailable']);
  });

  it('reports malformed JSON as bad-response without retrying', async () => {
    const { url, requests } = await serve({ status: 200, raw: '{"id": 1, "name": ' });
    const { http, calls } = client();
    const error = await failureOf(http.send({ method: 'GET', url, schema: itemSchema }));
    expect(error.kind).toBe('bad-response');
    expect(requests).toHaveLength(1);
    expect(calls[0]).toMatchObject({ status: 200, outcome: 'bad-response' });
  });

  it('reports a well-formed answer of the wrong shape as bad-response, naming the field', async () => {
    const { url } = await serve({ status: 200, body: { id: 'one', name: 'x' } });
    const error = await failureOf(client().http.send({ method: 'GET', url, schema: itemSchema }));
    expect(error.kind).toBe('bad-response');
    expect(error.message).toContain('id:');
  });

  it.each([
    [401, 'auth'],
    [403, 'auth'],
    [400, 'rejected'],
    [404, 'rejected'],
  ] as const)('maps %i to %s and does not retry it', async (status, kind) => {
    const { url, requests } = await serve({ status, body: { message: 'no' } });
    const error = await failureOf(client().http.send({ method: 'GET', url, schema: itemSchema }));
    expect(error).toMatchObject({ kind, status });
    expect(requests).toHaveLength(1);
  });

  it('treats a refused connection as unavailable, with no status', async () => {
    const { url } = await serve();
    await server?.close();
    server = undefined;
    const { http, calls } = client({ retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 10 } });
    const error = await failureOf(http.send({ method: 'GET', url, schema: itemSchema }));
    expect(error.kind).toBe('unavailable');
    expect(calls.map((c) => [c.status, c.outcome])).toEqual([
      [null, 'unavailable'],
      [null, 'unavailable'],
    ]);
  });

  it('gives up on a provider that does not answer within the timeout', async () => {
    const { url } = await serve({ status: 200, hang: true });
    const { http } = client({ timeoutMs: 50, retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 10 } });
    const error = await failureOf(http.send({ method: 'GET', url, schema: itemSchema }));
    expect(error).toMatchObject({ kind: 'unavailable', message: expect.stringContaining('no answer within 50 ms') });
  });

  it('opens the circuit after repeated failures, refuses without calling, then half-opens after the cool-down', async () => {
    const { url, requests } = await serve({ status: 500 }, { status: 500 });
    const time = fakeTime();
    const breaker = new CircuitBreaker({ failureThreshold: 2, coolDownMs: 60_000, clock: time.clock });
    const { http, calls } = client({
      breaker,
      clock: time.clock,
      retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
    });
    const get = () => http.send({ method: 'GET', url, schema: itemSchema });

    await failureOf(get());
    await failureOf(get());
    expect(breaker.state).toBe('open');

    const refused = await failureOf(get());
    expect(refused).toMatchObject({ kind: 'circuit-open', retryAfterMs: 60_000 });
    expect(requests).toHaveLength(2);
    expect(calls.at(-1)).toMatchObject({ status: null, outcome: 'circuit-open' });

    time.advance(60_000);
    expect(breaker.state).toBe('half-open');
    await expect(get()).resolves.toMatchObject({ status: 200 });
    expect(breaker.state).toBe('closed');
    expect(requests).toHaveLength(3);
  });

  it('stops retrying once the circuit opens mid-retry', async () => {
    const { url, requests } = await serve({ status: 503 }, { status: 503 }, { status: 503 });
    const time = fakeTime();
    const breaker = new CircuitBreaker({ failureThreshold: 2, coolDownMs: 60_000, clock: time.clock });
    const { http } = client({ breaker, clock: time.clock, retry: { maxAttempts: 5, baseDelayMs: 1, maxDelayMs: 10 } });
    const error = await failureOf(http.send({ method: 'GET', url, schema: itemSchema }));
    expect(error.kind).toBe('circuit-open');
    expect(requests).toHaveLength(2);
  });

  it('refuses calls beyond the request budget until the period ends', async () => {
    const { url, requests } = await serve();
    const time = fakeTime();
    const budget = new RequestBudget({ maxCalls: 2, periodMs: 3_600_000, clock: time.clock });
    const { http, calls } = client({ budget, clock: time.clock });
    const get = () => http.send({ method: 'GET', url, schema: itemSchema });

    await get();
    await get();
    const refused = await failureOf(get());
    expect(refused).toMatchObject({ kind: 'budget-exhausted', retryAfterMs: 3_600_000 });
    expect(requests).toHaveLength(2);
    expect(calls.at(-1)).toMatchObject({ status: null, outcome: 'budget-exhausted' });

    time.advance(3_600_000);
    await expect(get()).resolves.toMatchObject({ status: 200 });
  });

  it('paces calls through the rate limiter', async () => {
    const { url } = await serve();
    const time = fakeTime();
    const limiter = new TokenBucket({ capacity: 1, refillPerSecond: 5, clock: time.clock });
    const { http } = client({ limiter, clock: time.clock, sleep: time.sleep });
    await http.send({ method: 'GET', url, schema: itemSchema });
    await http.send({ method: 'GET', url, schema: itemSchema });
    expect(time.sleeps).toEqual([200]);
  });
});
