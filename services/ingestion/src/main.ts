import { runServiceMain } from '@bg/service-kit';
import { ingestionConfigSchema } from './config';
import { ingestionMigrations, ingestionSchema, startIngestion } from './app';

runServiceMain({
  name: 'ingestion',
  schema: ingestionSchema,
  migrations: ingestionMigrations,
  configSchema: ingestionConfigSchema,
  start: startIngestion,
});
