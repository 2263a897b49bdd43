import type { TestProject } from 'vitest/node';
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrate } from '@bg/postgres';
import { dropDatabase, ensureDatabase, withDatabase } from '@bg/local-infra';
import { provideInfrastructure } from './infrastructure';

declare module 'vitest' {
  export interface ProvidedContext {
    kafkaBrokers: string;
    postgresAdminUrl: string;
    templateDatabase: string;
  }
}

const servicesDir = fileURLToPath(new URL('../../../services', import.meta.url));

/** Schema of a service, by convention: its folder name with '_' for '-' (each service's config uses the same). */
export const schemaOf = (service: string) => service.replaceAll('-', '_');

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
  for (const service of readdirSync(servicesDir)) {
    const dir = join(servicesDir, service, 'migrations');
    if (existsSync(dir)) await migrate(templateUrl, schemaOf(service), dir);
  }
  console.warn(`[test infra] ${infra.origin}: kafka ${infra.kafkaBrokers}, ready in ${Date.now() - started} ms`);
  project.provide('kafkaBrokers', infra.kafkaBrokers);
  project.provide('postgresAdminUrl', infra.postgresAdminUrl);
  project.provide('templateDatabase', templateDatabase);
  return async () => {
    await dropDatabase(infra.postgresAdminUrl, templateDatabase).catch(() => undefined);
    await infra.stop();
  };
}
