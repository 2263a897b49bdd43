import { migrate } from '@bg/postgres';
import { createLogger, installShutdown, loadConfig, runMain } from '@bg/service-kit';
import { apiMigrations, apiSchema, buildApp } from './app';
import { apiConfigSchema } from './config';

runMain(async () => {
  const config = loadConfig(apiConfigSchema);
  const logger = createLogger('api', config.LOG_LEVEL);
  await migrate(config.DATABASE_URL, apiSchema, apiMigrations);
  let shutdownOnFatal: () => Promise<void> = async () => process.exit(1);
  const app = buildApp({
    config,
    logger,
    onFatal: (error) => {
      logger.fatal({ err: error }, 'projection consumer crashed');
      void shutdownOnFatal();
    },
  });
  // The only place that listens: everything else builds the app without a port.
  await app.listen({ port: config.API_PORT, host: config.API_HOST });
  shutdownOnFatal = installShutdown(logger, [{ name: 'http, consumer, relay, broker, pool', run: () => app.close() }]);
});
