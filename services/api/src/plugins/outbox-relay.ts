import { startOutboxRelay, type Logger } from '@bg/service-kit';
import { shared } from '../http/shared-plugin';
import { apiSchema } from './database';

/**
 * Publishes what handlers wrote to the outbox (component definitions, member commands) in commit order; stopped
 * before the producer it sends with.
 */
export const outboxRelayPlugin = shared('outbox-relay', async (app) => {
  const relay = startOutboxRelay({
    name: 'api',
    pool: app.db,
    producer: app.producer,
    // The app is built with the service's pino logger (app.ts).
    logger: app.log as Logger,
    metrics: app.metrics,
    schema: apiSchema,
    config: app.config,
  });
  await relay.start();
  app.addHook('onClose', async () => {
    await relay.stop();
  });
});
