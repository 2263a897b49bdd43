import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

/**
 * Every service of the repository, in start order (the API last: it is what operators talk to): `entry` is its
 * TypeScript main (tests, development), `compiled` the JavaScript that `npm run build` makes of it (start, bench).
 */
export function listServices(): {
  name: string;
  schema: string;
  dir: string;
  entry: string;
  compiled: string;
  migrations: string;
}[] {
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
      compiled: join(servicesDir, name, 'dist', 'main.js'),
      migrations: join(servicesDir, name, 'migrations'),
    }));
}

/** The compiled mains of `services`; throws, naming the command to run, when a build is missing. */
export function compiledEntries(services: { name: string; compiled: string }[]): Map<string, string> {
  const missing = services.filter((s) => !existsSync(s.compiled)).map((s) => s.name);
  if (missing.length > 0) throw new Error(`not built: ${missing.join(', ')} — run: npm run build`);
  return new Map(services.map((s) => [s.name, s.compiled]));
}
