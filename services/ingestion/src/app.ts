import { fileURLToPath } from 'node:url';
import { startWorker, type Logger, type RunningWorker } from '@bg/service-kit';
import type { IngestionConfig } from './config';
import { applyCrmEvents, crmEventTypes, ingestionConsumer } from './handlers/apply-crm-events';

export const ingestionSchema = 'ingestion';
export const ingestionMigrations = fileURLToPath(new URL('../migrations', import.meta.url));

/** Consumes the four CRM topics and turns them into canonical records and internal, account-keyed changes. */
export function startIngestion(
  config: IngestionConfig,
  logger: Logger,
  onFatal: (error: unknown) => void,
): Promise<RunningWorker> {
  return startWorker({
    name: 'ingestion',
    schema: ingestionSchema,
    migrations: ingestionMigrations,
    config,
    logger,
    onFatal,
    consumers: () => [{ groupId: ingestionConsumer, consumes: crmEventTypes, apply: applyCrmEvents }],
  });
}
