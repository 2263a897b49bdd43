import Fastify, { type FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Registry } from 'prom-client';

export type ReadinessCheck = { name: string; check: () => Promise<void> };

/** A Prometheus registry per process, with Node's default metrics. */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}

/**
 * The ops endpoints every worker service exposes: `/healthz` (process up), `/readyz` (every dependency answers),
 * `/metrics` (Prometheus text). The API service mounts the same routes on its public server instead.
 */
export function registerOpsRoutes(
  app: FastifyInstance,
  opts: { registry: Registry; checks: ReadinessCheck[]; isReady?: () => boolean },
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
    const ready = (opts.isReady?.() ?? true) && results.every((r) => r.ok);
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not-ready', checks: results });
  });
  app.get('/metrics', async (_request, reply) =>
    reply.type(opts.registry.contentType).send(await opts.registry.metrics()),
  );
}

/** A standalone ops server on 127.0.0.1:`port` for worker services. */
export async function startOpsServer(
  port: number,
  opts: Parameters<typeof registerOpsRoutes>[1],
): Promise<{ app: FastifyInstance; url: string }> {
  const app = Fastify({ logger: false });
  registerOpsRoutes(app, opts);
  const url = await app.listen({ port, host: '127.0.0.1' });
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
