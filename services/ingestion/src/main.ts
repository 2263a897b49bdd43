import { createLogger, installShutdown, loadConfig, runMain } from '@bg/service-kit';
import { migrate } from '@bg/postgres';
import { ingestionConfigSchema } from './config';
import { ingestionMigrations, ingestionSchema, startIngestion } from './app';

runMain(async () => {
  const config = loadConfig(ingestionConfigSchema);
  const logger = createLogger('ingestion', config.LOG_LEVEL);
  await migrate(config.DATABASE_URL, ingestionSchema, ingestionMigrations);
  let shutdownOnFatal: () => Promise<void> = async () => process.exit(1);
  const worker = await startIngestion(config, logger, (error) => {
    logger.fatal({ err: error }, 'consumer crashed');
    void shutdownOnFatal();
  });
  shutdownOnFatal = installShutdown(logger, [{ name: 'worker', run: () => worker.stop() }]);
});
