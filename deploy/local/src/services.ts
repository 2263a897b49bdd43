import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

/** Every service of the repository, in start order (the API last: it is what operators talk to). */
export function listServices(): { name: string; schema: string; dir: string; entry: string; migrations: string }[] {
  const servicesDir = join(repoRoot, 'services');
  const order = ['ingestion', 'role-assignment', 'scoring', 'enrichment', 'api'];
  return readdirSync(servicesDir)
    .filter((name) => existsSync(join(servicesDir, name, 'src', 'main.ts')))
    .sort((a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99))
    .map((name) => ({
      name,
      schema: name.replaceAll('-', '_'),
      dir: join(servicesDir, name),
      entry: join(servicesDir, name, 'src', 'main.ts'),
      migrations: join(servicesDir, name, 'migrations'),
    }));
}
