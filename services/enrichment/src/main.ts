import { runServiceMain } from '@bg/service-kit';
import { enrichmentConfigSchema } from './config';
import { startEnrichment } from './app';

runServiceMain({
  name: 'enrichment',
  configSchema: enrichmentConfigSchema,
  start: (config, logger, onFatal) => startEnrichment(config, logger, onFatal),
});
