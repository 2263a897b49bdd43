import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { serializerCompiler } from 'fastify-type-provider-zod';
import type { Logger, StartPhase } from '@bg/service-kit';
import type { ApiConfig } from './config';
import { clientErrorHandler } from './http/client-error';
import { validatorCompiler } from './http/validator';
import './http/types';
import { aiTrainerPlugin } from './plugins/ai-trainer';
import { authPlugin } from './plugins/auth';
import { consolePlugin } from './plugins/console';
import { databasePlugin } from './plugins/database';
import { docsPlugin } from './plugins/docs';
import { kafkaPlugin } from './plugins/kafka';
import { livePlugin } from './plugins/live';
import { metricsPlugin } from './plugins/metrics';
import { outboxRelayPlugin } from './plugins/outbox-relay';
import { problemsPlugin, sendProblem } from './plugins/problems';
import { projectionsPlugin } from './plugins/projections';
import { aiRoutes } from './routes/ai';
import { componentRoutes } from './routes/components';
import { groupRoutes } from './routes/groups';
import { importRoutes } from './routes/imports';
import { liveRoutes } from './routes/live';
import { memberRoutes } from './routes/members';
import { opsRoutes } from './routes/ops';
import { sessionRoutes } from './routes/session';

export { apiSchema } from './plugins/database';
export const apiMigrations = fileURLToPath(new URL('../migrations', import.meta.url));

export type AppOptions = {
  config: ApiConfig;
  logger: Logger;
  /** The consumer stopped for good: the process should exit non-zero so that a supervisor restarts it. */
  onFatal: (error: unknown) => void;
  now?: () => Date;
  /** Where the start stands, for /readyz (main.ts shares it with the wait for dependencies). */
  phase?: StartPhase;
};

/**
 * Builds the API without listening (main.ts listens; tests listen on port 0). Resources are plugins that own their
 * teardown; fastify closes them in reverse order of registration: consumer → relay → broker clients → pool.
 */
export function buildApp(opts: AppOptions): FastifyInstance {
  const app = Fastify({
    loggerInstance: opts.logger as FastifyBaseLogger,
    requestIdHeader: 'x-request-id',
    bodyLimit: 1024 * 1024,
    // Joining the consumer group right after a broker restart can take longer than fastify's default 10 s.
    pluginTimeout: 120_000,
    routerOptions: { ignoreTrailingSlash: true },
    // A URL the router cannot decode (e.g. a broken %-escape) is an input error like any other.
    frameworkErrors: (error, request, reply) => {
      sendProblem(request, reply, 400, `the URL cannot be read (${error.message}): check its %-escapes`);
    },
    // What Node's HTTP parser refuses (e.g. a request line over maxHeaderSize) never reaches fastify's error handler.
    clientErrorHandler,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorate('config', opts.config);
  app.decorate('now', opts.now ?? (() => new Date()));

  const phase = opts.phase ?? { ready: false, waitingFor: null };
  app.addHook('onReady', async () => {
    phase.ready = true;
  });
  app.addHook('preClose', async () => {
    phase.ready = false;
  });

  app.register(problemsPlugin);
  app.register(metricsPlugin);
  app.register(authPlugin, { tokens: opts.config.API_TOKENS });
  app.register(databasePlugin);
  app.register(kafkaPlugin);
  app.register(outboxRelayPlugin);
  app.register(aiTrainerPlugin);
  app.register(docsPlugin);
  app.register(consolePlugin);
  app.register(livePlugin);
  app.register(opsRoutes, { phase });
  app.register(componentRoutes);
  app.register(groupRoutes);
  app.register(memberRoutes);
  app.register(importRoutes);
  app.register(aiRoutes);
  app.register(liveRoutes);
  app.register(sessionRoutes);
  app.register(projectionsPlugin, { onFatal: opts.onFatal });
  return app;
}
