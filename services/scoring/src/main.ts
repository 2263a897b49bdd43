import { runServiceMain } from '@bg/service-kit';
import { scoringConfigSchema } from './config';
import { scoringMigrations, scoringSchema, startScoring } from './app';

runServiceMain({
  name: 'scoring',
  schema: scoringSchema,
  migrations: scoringMigrations,
  configSchema: scoringConfigSchema,
  start: (config, logger, onFatal) => startScoring(config, logger, onFatal),
});
