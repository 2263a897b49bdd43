/**
 * Builds the operator console (Preact, bundled by esbuild like the services) into `services/api/dist/console`, which
 * the API serves at /console/: one page, one script, one stylesheet, no fonts or scripts from elsewhere, so it works
 * without internet access. Run by `npm run build` (deploy/local/build.ts), hence by `npm ci`.
 */
import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = fileURLToPath(new URL('.', import.meta.url));
export const consoleOut = join(here, '../dist/console');

export async function buildConsole(outdir: string = consoleOut): Promise<void> {
  await mkdir(outdir, { recursive: true });
  await Promise.all([
    build({
      entryPoints: [join(here, 'src/main.tsx')],
      outfile: join(outdir, 'app.js'),
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      jsx: 'automatic',
      jsxImportSource: 'preact',
      minify: true,
      sourcemap: true,
      logLevel: 'warning',
    }),
    copyFile(join(here, 'index.html'), join(outdir, 'index.html')),
    copyFile(join(here, 'styles.css'), join(outdir, 'styles.css')),
  ]);
}
