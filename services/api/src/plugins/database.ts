import { createPool } from '@bg/postgres';
import { startTableMaintenance, type Logger } from '@bg/service-kit';
import { shared } from '../http/shared-plugin';

export const apiSchema = 'api';

/**
 * The pool over the `api` schema, and the upkeep of that schema's tables (statistics, dead rows); ended last on close,
 * once nothing uses it any more.
 */
export const databasePlugin = shared('database', async (app) => {
  const pool = createPool(app.config.DATABASE_URL, {
    schema: apiSchema,
    max: 10,
    applicationName: 'api',
    logger: app.log,
  });
  app.decorate('db', pool);
  const maintenance = startTableMaintenance({
    pool,
    // The app is built with the service's pino logger (app.ts).
    logger: app.log as Logger,
    metrics: app.metrics,
    schema: apiSchema,
    config: app.config,
  });
  app.addHook('onClose', async () => {
    await maintenance.stop();
    await pool.end();
  });
});
