import { OutboxRelay } from '@bg/postgres';
import { Counter } from 'prom-client';
import { shared } from '../http/shared-plugin';
import { apiSchema } from './database';

/**
 * Publishes what handlers wrote to the outbox (component definitions, member commands) in commit order; stopped
 * before the producer it sends with.
 */
export const outboxRelayPlugin = shared('outbox-relay', async (app) => {
  const sent = new Counter({
    name: 'bg_outbox_sent_total',
    help: 'Messages the outbox relay published',
    labelNames: ['topic'],
    registers: [app.metrics],
  });
  const relay = new OutboxRelay({
    pool: app.db,
    databaseUrl: app.config.DATABASE_URL,
    schema: apiSchema,
    logger: app.log.child({ component: 'outbox-relay' }),
    send: async (messages) => {
      await app.producer.send(messages);
      for (const message of messages) sent.inc({ topic: message.topic });
    },
  });
  await relay.start();
  app.addHook('onClose', async () => {
    await relay.stop();
  });
});
