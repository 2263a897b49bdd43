import { runServiceMain } from '@bg/service-kit';
import { scoringConfigSchema } from './config';
import { startScoring } from './app';

runServiceMain({
  name: 'scoring',
  configSchema: scoringConfigSchema,
  start: (config, logger, onFatal) => startScoring(config, logger, onFatal),
});
