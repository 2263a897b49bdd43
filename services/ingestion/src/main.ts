import { runServiceMain } from '@bg/service-kit';
import { ingestionConfigSchema } from './config';
import { startIngestion } from './app';

runServiceMain({ name: 'ingestion', configSchema: ingestionConfigSchema, start: startIngestion });
