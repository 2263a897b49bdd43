import type { TestProject } from 'vitest/node';
import { migrate } from '@bg/postgres';
import { dropDatabase, ensureDatabase, listServices, withDatabase } from '@bg/infra';
import { provideInfrastructure } from './infrastructure';

/**
 * Once per test run: get a broker and a database server, and migrate a template database with every service's
 * migrations; each test file then clones the template, so files run in parallel on their own data.
 */
export default async function setup(project: TestProject) {
  const started = Date.now();
  const infra = await provideInfrastructure((line) => console.warn(`[test infra] ${line}`));
  const templateDatabase = `bg_template_${process.pid}`;
  await dropDatabase(infra.postgresAdminUrl, templateDatabase);
  await ensureDatabase(infra.postgresAdminUrl, templateDatabase);
  const templateUrl = withDatabase(infra.postgresAdminUrl, templateDatabase);
  for (const service of listServices()) await migrate(templateUrl, service.schema, service.migrations);
  console.warn(`[test infra] ${infra.origin}: kafka ${infra.kafkaBrokers}, ready in ${Date.now() - started} ms`);
  project.provide('kafkaBrokers', infra.kafkaBrokers);
  project.provide('postgresAdminUrl', infra.postgresAdminUrl);
  project.provide('templateDatabase', templateDatabase);
  return async () => {
    await dropDatabase(infra.postgresAdminUrl, templateDatabase).catch(() => undefined);
    await infra.stop();
  };
}
