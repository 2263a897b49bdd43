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

/**
 * The V8 old-space limit every service process runs with (MB), locally (deploy/local's supervisor: start, bench,
 * chaos) and in the image (deploy/docker/Dockerfile sets the same in NODE_OPTIONS). Without it V8 sizes the heap for
 * the machine and lets garbage pile up: under a backfill the services peaked at 320-390 MB of RSS with about 60 MB
 * live. With it they peak at 200-240 MB, for about 10% of backfill throughput (bench, 5,000 accounts; 192 MB cost 25%),
 * and at 235-272 MB at full scale (100k accounts, 1M people).
 * The live sets stay far below it: pages and chunks are bounded by people and bytes, not by accounts or events.
 */
export const serviceHeapLimitMb = 256;

/** The compiled mains of `services`; throws, naming the command to run, when a build is missing. */
export function compiledEntries(services: { name: string; compiled: string }[]): Map<string, string> {
  const missing = services.filter((s) => !existsSync(s.compiled)).map((s) => s.name);
  if (missing.length > 0) throw new Error(`not built: ${missing.join(', ')} — run: npm run build`);
  return new Map(services.map((s) => [s.name, s.compiled]));
}
