import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import { ProblemError } from '../domain/problem';
import { consolePath } from '../domain/console-session';
import { shared } from '../http/shared-plugin';

/** What `npm run build` makes of services/api/console (a page, its script and styles; nothing fetched elsewhere). */
export const consoleAssets = fileURLToPath(new URL('../../dist/console', import.meta.url));

/**
 * The operator console, a static page on the API's own origin. Its files hold no data and are open (a browser cannot
 * send a bearer token when it opens a page); the page signs in with a token and sends it on every API call.
 */
export const consolePlugin = shared<{ root?: string }>('console', async (app, { root = consoleAssets }) => {
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith(consolePath.slice(0, -1)))
      route.config = { ...route.config, auth: 'none' } as typeof route.config;
  });
  app.get('/', { schema: { hide: true }, config: { auth: 'none' } }, async (_request, reply) =>
    reply.redirect(consolePath, 302),
  );
  if (!existsSync(root)) {
    for (const url of [consolePath.slice(0, -1), `${consolePath}*`]) {
      app.get(url, { schema: { hide: true } }, async () => {
        throw new ProblemError(503, `the console is not built (no ${root}): run npm run build`);
      });
    }
    return;
  }
  await app.register(fastifyStatic, {
    root,
    prefix: consolePath,
    // Not hashed file names: the browser revalidates, so a rebuilt console is picked up at the next load.
    cacheControl: false,
    setHeaders: (response) => response.setHeader('cache-control', 'no-cache'),
  });
  // The router ignores trailing slashes, so /console/ arrives as /console, which the wildcard above does not cover.
  app.get(consolePath.slice(0, -1), { schema: { hide: true } }, async (_request, reply) =>
    reply.sendFile('index.html'),
  );
});
