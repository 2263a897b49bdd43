import { createMetricsRegistry } from '@bg/service-kit';
import { Counter, Histogram } from 'prom-client';
import { shared } from '../http/shared-plugin';

/**
 * Request count and latency by route template and status. Unmatched paths share one label, so a scan of random URLs
 * cannot blow up the number of series.
 */
export const metricsPlugin = shared('metrics', async (app) => {
  const registry = createMetricsRegistry('api');
  app.decorate('metrics', registry);
  const labelNames = ['method', 'route', 'status_code'] as const;
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered',
    labelNames,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time to answer an HTTP request',
    labelNames,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  app.addHook('onResponse', async (request, reply) => {
    const labels = {
      method: request.method,
      route: request.routeOptions.url ?? 'unmatched',
      status_code: String(reply.statusCode),
    };
    requests.inc(labels);
    duration.observe(labels, reply.elapsedTime / 1000);
  });
});
