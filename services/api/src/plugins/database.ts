import { createPool } from '@bg/postgres';
import { shared } from '../http/shared-plugin';

export const apiSchema = 'api';

/** The pool over the `api` schema; ended last on close, once nothing uses it any more. */
export const databasePlugin = shared('database', async (app) => {
  const pool = createPool(app.config.DATABASE_URL, {
    schema: apiSchema,
    max: 10,
    applicationName: 'api',
    logger: app.log,
  });
  app.decorate('db', pool);
  app.addHook('onClose', async () => {
    await pool.end();
  });
});
