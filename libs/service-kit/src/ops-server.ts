import Fastify, { type FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { StartPhase } from './dependencies';

export type ReadinessCheck = { name: string; check: () => Promise<void> };

/** A Prometheus registry per process, with Node's default metrics. */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  // The event-loop delay is sampled every 100 ms, not every 10 ms (prom-client's default): ten samples a second still
  // give the lag percentiles, and a timer waking the process 100 times a second cost about 1% of a core per process,
  // idle or not (9 ms of CPU a second on these machines).
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 100 });
  return registry;
}

/**
 * The ops endpoints every worker service exposes: `/healthz` (process up), `/readyz` (started and every dependency
 * answers; while starting, what it still waits for), `/metrics` (Prometheus text). The API service mounts the same routes on its public server instead.
 */
export function registerOpsRoutes(
  app: FastifyInstance,
  opts: { registry?: Registry; checks: ReadinessCheck[]; phase: StartPhase },
): void {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const results = await Promise.all(
      opts.checks.map(async ({ name, check }) => {
        try {
          await withTimeout(check(), 2_000);
          return { name, ok: true as const };
        } catch (error) {
          return { name, ok: false as const, error: (error as Error).message };
        }
      }),
    );
    const ready = opts.phase.ready && results.every((r) => r.ok);
    const waiting = opts.phase.waitingFor === null ? {} : { waitingFor: opts.phase.waitingFor };
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not-ready', ...waiting, checks: results });
  });
  const { registry } = opts;
  if (registry)
    app.get('/metrics', async (_request, reply) => reply.type(registry.contentType).send(await registry.metrics()));
}

/** A standalone ops server on `host`:`port` for worker services. */
export async function startOpsServer(
  port: number,
  opts: Parameters<typeof registerOpsRoutes>[1],
  host: string,
): Promise<{ app: FastifyInstance; url: string }> {
  const app = Fastify({ logger: false });
  registerOpsRoutes(app, opts);
  const url = await app.listen({ port, host });
  return { app, url };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    promise.then(
      (v) => (clearTimeout(timer), resolve(v)),
      (e) => (clearTimeout(timer), reject(e)),
    );
  });
}
