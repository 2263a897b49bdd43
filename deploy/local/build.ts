/**
 * `npm run build` (also run by `npm ci`/`npm install`, through `prepare`): compiles each service to one JavaScript file,
 * `services/<name>/dist/main.js`, which `npm start`, the benchmark and the container image run (and the topic and
 * migration commands to `deploy/local/dist/`, for the container image's setup step), and the operator console's page
 * to `services/api/dist/console/` (services/api/console/build.ts). The workspace
 * packages (@bg/*) are bundled in; everything from the registry stays an import of node_modules. Tests and development
 * run the TypeScript sources through tsx.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { buildConsole } from '../../services/api/console/build';
import { listServices, repoRoot } from '@bg/infra';

/** Registry packages stay external; workspace packages (and relative imports) are bundled. */
const externalRegistryPackages: Plugin = {
  name: 'external-registry-packages',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith('@bg/') ? undefined : { path: args.path, external: true },
    );
  },
};

/**
 * A bundled module keeps its own `import.meta.url` (its source file's), so that paths resolved from it — migrations
 * folders above all — point where they do when the sources run.
 */
const ownImportMetaUrl: Plugin = {
  name: 'own-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return undefined;
      return {
        contents: source.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)),
        loader: 'ts',
      };
    });
  },
};

const started = Date.now();
const services = listServices();
const targets = [
  ...services.map((s) => ({ name: s.name, entry: s.entry, outfile: s.compiled })),
  ...['topics', 'migrate'].map((name) => ({
    name,
    entry: join(repoRoot, 'deploy/local', `${name}.ts`),
    outfile: join(repoRoot, 'deploy/local/dist', `${name}.js`),
  })),
];
await Promise.all([
  buildConsole(),
  ...targets.map((target) =>
    build({
      entryPoints: [target.entry],
      outfile: target.outfile,
      absWorkingDir: repoRoot,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      sourcemap: true,
      logLevel: 'warning',
      plugins: [externalRegistryPackages, ownImportMetaUrl],
    }),
  ),
]);
console.log(`built ${targets.map((t) => t.name).join(', ')}, console in ${Date.now() - started} ms`);
