/** `npm run migrate`: applies every service's migrations to DATABASE_URL (idempotent). */
import { migrate } from '@bg/postgres';
import { listServices } from '@bg/infra';
import { localSettings } from './src/index';

const { databaseUrl } = localSettings();
for (const service of listServices()) {
  const applied = await migrate(databaseUrl, service.schema, service.migrations);
  console.log(`${service.schema}: ${applied.length > 0 ? applied.join(', ') : 'up to date'}`);
}
