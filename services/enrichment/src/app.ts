import { fileURLToPath } from 'node:url';
import { startWorker, type Logger, type RunningWorker, type WorkerDeps } from '@bg/service-kit';
import type { EnrichmentConfig } from './config';
import { applyEvents, enrichmentConsumer, enrichmentConsumes } from './handlers/apply-events';
import type { ChunkEffects } from './handlers/role-events';
import { audienceSyncSource } from './jobs/audience-runner';
import { CallRecorder } from './jobs/call-recorder';
import { lookupJobSource } from './jobs/lookup-runner';
import { JobWorker, type JobSource } from './jobs/worker';
import { createEnrichmentMetrics } from './metrics';
import { createProviders } from './providers/configured';
import { systemClock, type Clock } from './resilience/clock';

export const enrichmentSchema = 'enrichment';
export const enrichmentMigrations = fileURLToPath(new URL('../migrations', import.meta.url));

export type EnrichmentOptions = { clock?: Clock };

/**
 * Consumes role events and record changes; a background worker runs the provider lookups and audience syncs they
 * create. Providers are off unless configured: without any, the service keeps its state and calls nobody.
 */
export function startEnrichment(
  config: EnrichmentConfig,
  logger: Logger,
  onFatal: (error: unknown) => void,
  options: EnrichmentOptions = {},
): Promise<RunningWorker> {
  let runtime: ReturnType<typeof createRuntime> | undefined;
  // startWorker hands the same deps to both callbacks; the consumer and the worker share one runtime.
  const wire = (deps: WorkerDeps) => (runtime ??= createRuntime(config, deps, options.clock ?? systemClock));
  return startWorker({
    name: 'enrichment',
    schema: enrichmentSchema,
    migrations: enrichmentMigrations,
    config,
    logger,
    onFatal,
    consumers: (deps) => {
      const { handlerDeps } = wire(deps);
      return [
        {
          groupId: enrichmentConsumer,
          consumes: enrichmentConsumes,
          apply: (tx, events) => applyEvents(handlerDeps, tx, events),
        },
      ];
    },
    background: (deps) => [wire(deps).worker],
  });
}

function createRuntime(config: EnrichmentConfig, deps: WorkerDeps, clock: Clock) {
  const { pool, logger } = deps;
  const metrics = createEnrichmentMetrics(deps.metrics, pool);
  const recorder = new CallRecorder(
    (call) => metrics.providerCalls.inc({ provider: call.provider, outcome: call.outcome }),
    (call) => logger.warn({ call }, 'provider call outside any job; not audited'),
  );
  const providers = createProviders(config, { clock, onCall: recorder.record });
  logger.info(
    { contacts: providers.contacts?.name ?? 'off', audience: providers.audience?.name ?? 'off' },
    'enrichment providers',
  );

  const schedule = {
    maxAttempts: config.ENRICHMENT_MAX_ATTEMPTS,
    baseDelayMs: config.ENRICHMENT_RETRY_BASE_MS,
    maxDelayMs: 60 * 60_000,
  };
  const common = { pool, clock, recorder, metrics, schedule, leaseMs: config.ENRICHMENT_JOB_LEASE_MS };
  const sources: JobSource[] = [];
  if (providers.contacts) {
    sources.push(
      lookupJobSource({
        ...common,
        logger: logger.child({ component: 'lookup' }),
        contacts: providers.contacts,
        searchLimit: config.ENRICHMENT_SEARCH_LIMIT,
      }),
    );
  }
  if (providers.audience) {
    sources.push(
      audienceSyncSource({ ...common, logger: logger.child({ component: 'audience' }), audience: providers.audience }),
    );
  }
  const worker = new JobWorker({
    sources,
    concurrency: config.ENRICHMENT_CONCURRENCY,
    pollIntervalMs: config.ENRICHMENT_POLL_INTERVAL_MS,
    logger: logger.child({ component: 'worker' }),
  });

  const onCommitted = (effects: ChunkEffects) => {
    for (const reason of effects.skipped) metrics.lookupsSkipped.inc({ reason });
    if (effects.cancelled > 0) metrics.lookupsCancelled.inc(effects.cancelled);
    if (effects.newWork) worker.poke();
  };
  const handlerDeps = {
    clock,
    policy: { lookupsEnabled: providers.contacts !== undefined, cooldownMs: config.ENRICHMENT_COOLDOWN_MS },
    onCommitted,
  };
  return { handlerDeps, worker };
}
