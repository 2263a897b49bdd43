import { runServiceMain } from '@bg/service-kit';
import { enrichmentConfigSchema } from './config';
import { enrichmentMigrations, enrichmentSchema, startEnrichment } from './app';

runServiceMain({
  name: 'enrichment',
  schema: enrichmentSchema,
  migrations: enrichmentMigrations,
  configSchema: enrichmentConfigSchema,
  start: (config, logger, onFatal) => startEnrichment(config, logger, onFatal),
});
