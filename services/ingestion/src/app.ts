import { fileURLToPath } from 'node:url';
import { crmEventSchemas } from '@bg/contracts';
import { startWorker, type Logger, type RunningWorker } from '@bg/service-kit';
import type { IngestionConfig } from './config';
import { applyCrmEvents, ingestionConsumer } from './handlers/apply-crm-events';

export const ingestionSchema = 'ingestion';
export const ingestionMigrations = fileURLToPath(new URL('../migrations', import.meta.url));

/** Consumes the four CRM topics and turns them into canonical records and internal, account-keyed changes. */
export function startIngestion(config: IngestionConfig, logger: Logger, onFatal: (error: unknown) => void): Promise<RunningWorker> {
  return startWorker({
    name: 'ingestion',
    schema: ingestionSchema,
    config,
    logger,
    onFatal,
    consumers: ({ pool }) => [
      {
        groupId: ingestionConsumer,
        topics: crmEventSchemas,
        maxEventBytes: config.MAX_EVENT_BYTES,
        handle: (events) => applyCrmEvents(pool, logger, events),
      },
    ],
  });
}
