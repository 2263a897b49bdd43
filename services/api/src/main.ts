import { migrate } from '@bg/postgres';
import {
  createLogger,
  installShutdown,
  loadConfig,
  probeKafka,
  probePostgres,
  runMain,
  setCpuNiceness,
  startOpsServer,
  startTracing,
  waitFor,
  type StartPhase,
} from '@bg/service-kit';
import { apiMigrations, apiSchema, buildApp } from './app';
import { apiConfigSchema } from './config';

runMain(async () => {
  const config = loadConfig(apiConfigSchema);
  setCpuNiceness(config.CPU_NICENESS);
  const logger = createLogger('api', config.LOG_LEVEL);
  const tracing = startTracing('api', config.OTEL_EXPORTER_OTLP_ENDPOINT);
  let stop: () => Promise<unknown> = async () => undefined;
  const shutdownOnFatal = installShutdown(logger, [
    { name: 'http, consumer, relay, broker, pool', run: () => stop() },
    { name: 'traces', run: () => tracing.stop() },
  ]);

  // Until PostgreSQL and Kafka answer, the API's port says so (/healthz 200, /readyz 503 naming what it waits for)
  // instead of the process exiting into its supervisor's restart budget.
  const phase: StartPhase = { ready: false, waitingFor: 'PostgreSQL' };
  const waiting = await startOpsServer(config.API_PORT, { phase, checks: [] }, config.API_HOST);
  stop = () => waiting.app.close();
  await waitFor('PostgreSQL', () => probePostgres(config.DATABASE_URL), logger, phase);
  await migrate(config.DATABASE_URL, apiSchema, apiMigrations);
  await waitFor('Kafka', () => probeKafka(config.KAFKA_BROKERS, logger), logger, phase);
  await waiting.app.close();

  const app = buildApp({
    config,
    logger,
    phase,
    onFatal: (error) => {
      logger.fatal({ err: error }, 'projection consumer crashed');
      void shutdownOnFatal();
    },
  });
  stop = () => app.close();
  // The only place that listens: everything else builds the app without a port.
  await app.listen({ port: config.API_PORT, host: config.API_HOST });
});
